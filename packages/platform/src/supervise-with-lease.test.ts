import { describe, expect, it } from "vitest";
import type { Lease } from "./lease.ts";
import { retryWithBackoff } from "./retry-with-backoff.ts";
import { type SupervisedState, superviseWithLease } from "./supervise-with-lease.ts";

/** A lease held in memory: whoever takes it first keeps it until release or `steal`. */
function memoryLease() {
  const state = { owner: undefined as string | undefined };
  const forOwner = (owner: string): Lease => ({
    name: "job",
    acquire: async () => {
      state.owner ??= owner;
      return state.owner === owner;
    },
    release: async () => {
      if (state.owner === owner) state.owner = undefined;
    },
  });
  return { state, forOwner };
}

const until = async (probe: () => boolean) => {
  for (let i = 0; i < 400 && !probe(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(probe()).toBe(true);
};

describe("supervise with lease", () => {
  it("supervise - one worker works, the other stands by and takes over when the first stops", async () => {
    const leases = memoryLease();
    const states: Record<string, SupervisedState[]> = { a: [], b: [] };
    const worked: string[] = [];
    const run = (who: "a" | "b") => {
      const stop = new AbortController();
      const loop = superviseWithLease({
        lease: leases.forOwner(who),
        ttlMs: 30,
        signal: stop.signal,
        onState: (s) => states[who]!.push(s),
        work: async (held) => {
          worked.push(who);
          await new Promise<void>((r) => held.addEventListener("abort", () => r(), { once: true }));
        },
      });
      return { stop, loop };
    };
    const a = run("a");
    await until(() => worked.includes("a"));
    const b = run("b");
    await until(() => states.b!.includes("standby"));
    expect(worked).toEqual(["a"]);
    a.stop.abort();
    await a.loop;
    expect(states.a!.at(-1)).toBe("stopped");
    await until(() => worked.includes("b"));
    b.stop.abort();
    await b.loop;
    expect(leases.state.owner).toBeUndefined();
  });

  it("supervise - a lost lease aborts the work and the worker stands by", async () => {
    const leases = memoryLease();
    const stop = new AbortController();
    let lost = 0;
    let aborted = false;
    const loop = superviseWithLease({
      lease: leases.forOwner("a"),
      ttlMs: 30,
      signal: stop.signal,
      onLost: () => lost++,
      work: (held) =>
        new Promise<void>((r) =>
          held.addEventListener(
            "abort",
            () => {
              aborted = true;
              r();
            },
            { once: true },
          ),
        ),
    });
    await until(() => leases.state.owner === "a");
    leases.state.owner = "intruder";
    await until(() => aborted);
    expect(lost).toBe(1);
    stop.abort();
    await loop;
    expect(leases.state.owner).toBe("intruder");
  });

  it("supervise - a failing work ends the loop with its error and releases the lease", async () => {
    const leases = memoryLease();
    const loop = superviseWithLease({
      lease: leases.forOwner("a"),
      ttlMs: 30,
      signal: new AbortController().signal,
      work: async () => {
        throw new Error("fatal");
      },
    });
    await expect(loop).rejects.toThrow("fatal");
    expect(leases.state.owner).toBeUndefined();
  });
});

describe("retry with backoff", () => {
  it("retry - retries what is retryable with growing delays, throws the rest at once", async () => {
    const delays: number[] = [];
    let calls = 0;
    const value = await retryWithBackoff(
      async () => {
        if (++calls < 4) throw new Error("down");
        return "ok";
      },
      { retryable: () => true, initialDelayMs: 1, onRetry: (_e, _a, d) => delays.push(d) },
    );
    expect(value).toBe("ok");
    expect(delays).toEqual([1, 2, 4]);
    await expect(
      retryWithBackoff(
        async () => {
          throw new Error("bad query");
        },
        { retryable: () => false },
      ),
    ).rejects.toThrow("bad query");
  });

  it("retry - an abort ends the waiting and throws the last error", async () => {
    const stop = new AbortController();
    const run = retryWithBackoff(
      async () => {
        throw new Error("still down");
      },
      { retryable: () => true, initialDelayMs: 10_000, signal: stop.signal },
    );
    setTimeout(() => stop.abort(), 20);
    await expect(run).rejects.toThrow("still down");
  });
});
