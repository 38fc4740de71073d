import { afterAll, beforeAll } from "vitest";
import { createTestHub, type TestHub } from "./test-hub.ts";

/**
 * A test hub for the spec file that calls this at its top level: made before the file's
 * first test, removed with everything it made after its last. Returns its getter.
 *
 * @example
 * const hub = testHubPerFile();
 * it("…", async () => { await hub().publish(event); });
 */
export function testHubPerFile(): () => TestHub {
  let hub: TestHub | undefined;
  beforeAll(async () => {
    hub = await createTestHub();
  });
  afterAll(() => hub?.close());
  return () => {
    if (!hub) throw new Error("the file's test hub exists only while its tests run");
    return hub;
  };
}
