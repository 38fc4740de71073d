import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EventTypes } from "./catalog.ts";
import { renderCatalogDoc } from "./catalog-doc.ts";

describe("catalog document", () => {
  it("catalog-doc - docs/events.md is what the catalog renders (run `npm run docs` after changing a schema)", () => {
    const committed = readFileSync(new URL("../../../docs/events.md", import.meta.url), "utf8");
    expect(committed).toBe(renderCatalogDoc());
  });

  it("catalog-doc - documents every type with its fields", () => {
    const doc = renderCatalogDoc();
    for (const type of EventTypes) expect(doc).toContain(`## ${type}`);
    expect(doc).toContain(
      "| `status` | enum | yes | `online`, `offline`, `error`, `maintenance` |",
    );
  });
});
