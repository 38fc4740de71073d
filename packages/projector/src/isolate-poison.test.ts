import { createEvent, type RawStoredMessage, type RecordedEvent } from "@uaip/events";
import {
  CheckpointConflictError,
  isCheckpointConflict,
  type RejectedMessage,
  type TargetBatch,
} from "@uaip/projections";
import { describe, expect, it } from "vitest";
import { isTransient } from "./errors.ts";
import { isolatePoison } from "./isolate-poison.ts";

const stream = "test_devices";
const storedAt = new Date("2026-01-01T00:00:00Z");

function raw(seq: number): RawStoredMessage {
  return {
    stream,
    seq,
    subject: `test.device.d-${seq}.status`,
    data: new TextEncoder().encode(`{"seq":${seq}}`),
    storedAt,
    header: () => undefined,
  };
}

function recorded(seq: number): RecordedEvent {
  const event = createEvent("device.status_changed", `d-${seq}`, { status: "online" });
  return { stream, seq, subject: raw(seq).subject, storedAt, event };
}

function undecodable(seq: number): RejectedMessage {
  return {
    ...raw(seq),
    rejection: { reason: "malformed_json", issues: [], message: "malformed JSON" },
  };
}

/**
 * A target that refuses, as a fold would, any batch holding an event `poisoned` picks, and
 * checks the compare-and-set on the checkpoint like a real one.
 */
function fakeTarget(poisoned: (seq: number) => boolean, fail?: () => unknown) {
  const state = { position: 0, applied: [] as number[], rejected: [] as number[], commits: 0 };
  const commit = async (b: Omit<TargetBatch, "streamId">) => {
    const failure = fail?.();
    if (failure) throw failure;
    if (b.from !== state.position) throw new CheckpointConflictError("fake", b.from);
    const bad = b.events.find((e) => poisoned(e.seq));
    if (bad) throw new Error(`cannot fold ${bad.seq}`);
    for (const r of b.rejected) expect(r.seq > b.from && r.seq <= b.to).toBe(true);
    state.applied.push(...b.events.map((e) => e.seq));
    state.rejected.push(...b.rejected.map((r) => r.seq));
    state.position = b.to;
    state.commits++;
  };
  return { state, commit };
}

/** Seqs 1..n; those in `rejectedSeqs` did not decode, the others are events. */
function batch(n: number, rejectedSeqs: readonly number[] = []) {
  const seqs = Array.from({ length: n }, (_, i) => i + 1);
  return {
    events: seqs.filter((s) => !rejectedSeqs.includes(s)).map(recorded),
    rejected: rejectedSeqs.map(undecodable),
    from: 0,
    to: n,
    raws: new Map(seqs.map((s) => [s, raw(s)])),
  };
}

const isRetryable = (err: unknown) => isTransient(err) || isCheckpointConflict(err);

describe("isolate poison", () => {
  it("isolate poison - all fine: one commit, nothing rejected", async () => {
    const t = fakeTarget(() => false);
    const poison = await isolatePoison({ ...batch(8), commit: t.commit, isRetryable });
    expect(poison).toEqual([]);
    expect(t.state).toEqual({
      position: 8,
      applied: [1, 2, 3, 4, 5, 6, 7, 8],
      rejected: [],
      commits: 1,
    });
  });

  it("isolate poison - one poison in the middle is rejected as unfoldable, the rest applied", async () => {
    const t = fakeTarget((s) => s === 5);
    const poison = await isolatePoison({ ...batch(8), commit: t.commit, isRetryable });
    expect(poison.map((p) => p.seq)).toEqual([5]);
    expect(poison[0]).toMatchObject({
      ...raw(5),
      header: expect.any(Function),
      rejection: {
        reason: "unfoldable",
        issues: [{ field: "(event)", rule: "fold", message: "cannot fold 5" }],
        message: "unfoldable: cannot fold 5",
      },
    });
    expect(t.state.position).toBe(8);
    expect(t.state.applied).toEqual([1, 2, 3, 4, 6, 7, 8]);
    expect(t.state.rejected).toEqual([5]);
  });

  it("isolate poison - two poisons are both isolated", async () => {
    const t = fakeTarget((s) => s === 2 || s === 7);
    const poison = await isolatePoison({ ...batch(9), commit: t.commit, isRetryable });
    expect(poison.map((p) => p.seq)).toEqual([2, 7]);
    expect(t.state.applied).toEqual([1, 3, 4, 5, 6, 8, 9]);
    expect(t.state.rejected).toEqual([2, 7]);
    expect(t.state.position).toBe(9);
  });

  it("isolate poison - a poison first or last", async () => {
    for (const bad of [1, 6]) {
      const t = fakeTarget((s) => s === bad);
      const poison = await isolatePoison({ ...batch(6), commit: t.commit, isRetryable });
      expect(poison.map((p) => p.seq)).toEqual([bad]);
      expect(t.state.applied).toEqual([1, 2, 3, 4, 5, 6].filter((s) => s !== bad));
      expect(t.state.position).toBe(6);
    }
  });

  it("isolate poison - undecodable messages are recorded with the half that holds them", async () => {
    const t = fakeTarget((s) => s === 6);
    const poison = await isolatePoison({ ...batch(10, [3, 8, 10]), commit: t.commit, isRetryable });
    expect(poison.map((p) => p.seq)).toEqual([6]);
    expect(t.state.applied).toEqual([1, 2, 4, 5, 7, 9]);
    expect([...t.state.rejected].sort((a, b) => a - b)).toEqual([3, 6, 8, 10]);
    expect(t.state.position).toBe(10);
  });

  it("isolate poison - a transient error is rethrown, nothing split or committed", async () => {
    const down = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const t = fakeTarget(
      () => false,
      () => down,
    );
    await expect(isolatePoison({ ...batch(4), commit: t.commit, isRetryable })).rejects.toBe(down);
    expect(t.state.commits).toBe(0);
  });

  it("isolate poison - a transient error while splitting is rethrown", async () => {
    const down = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
    let calls = 0;
    const t = fakeTarget(
      (s) => s === 3,
      () => (++calls === 2 ? down : undefined),
    );
    await expect(isolatePoison({ ...batch(4), commit: t.commit, isRetryable })).rejects.toBe(down);
  });

  it("isolate poison - a checkpoint conflict is rethrown", async () => {
    const t = fakeTarget(() => false);
    t.state.position = 3;
    await expect(
      isolatePoison({ ...batch(4), commit: t.commit, isRetryable }),
    ).rejects.toBeInstanceOf(CheckpointConflictError);
    expect(t.state.commits).toBe(0);
  });

  it("isolate poison - a refused batch without events is rethrown", async () => {
    const refused = new Error("cannot record");
    const t = fakeTarget(
      () => false,
      () => refused,
    );
    await expect(
      isolatePoison({ ...batch(2, [1, 2]), commit: t.commit, isRetryable }),
    ).rejects.toBe(refused);
  });
});
