import { expect } from "vitest";

/**
 * One case of a fold spec: the events `given` (the history so far), then the events `when`
 * (what happens next), then what the fold must give. Pure and synchronous.
 */
export interface FoldCase<E, R> {
  /** More events, folded after the given ones (and any earlier `when`). */
  when(...events: E[]): FoldCase<E, R>;
  /** The fold equals `expected` exactly (asymmetric matchers allowed); returns the fold. */
  thenEquals(expected: unknown): R;
  /** The fold's rows, in order, each contain these fields (other fields are free); returns the fold. */
  thenRows(expected: readonly Record<string, unknown>[]): R;
  /** The fold of every event of the case, for what the `then…` cannot say. */
  result(): R;
}

/** `given(events)` starts a case of a fold spec. */
export interface FoldSpec<E, R> {
  given(...events: E[]): FoldCase<E, R>;
}

/**
 * One case of a writer spec: the store is emptied, the `given` events and each `when` are
 * applied through the real writer as batches of their own, then the rows are read back.
 * Nothing runs until a `then…` (or `result`) is awaited.
 */
export interface WriterCase<E, R> {
  /** One more batch, applied after the given events (and any earlier `when`). */
  when(...events: E[]): WriterCase<E, R>;
  /** Cuts every batch (given and when) into batches of at most `size` events. */
  inBatchesOf(size: number): WriterCase<E, R>;
  /** The rows read back equal `expected` exactly (asymmetric matchers allowed); resolves to them. */
  thenEquals(expected: unknown): Promise<R>;
  /** The rows read back, in order, each contain these fields; resolves to them. */
  thenRows(expected: readonly Record<string, unknown>[]): Promise<R>;
  /** Runs the case and reads the rows back, for what the `then…` cannot say. */
  result(): Promise<R>;
}

/** `given(events)` starts a case of a writer spec. */
export interface WriterSpec<E, R> {
  given(...events: E[]): WriterCase<E, R>;
}

const containing = (rows: readonly Record<string, unknown>[]) =>
  rows.map((row) => expect.objectContaining(row));

/**
 * A spec for a pure fold, read as `given(events).when(events).thenRows(rows)`: the fold runs
 * over every event of the case, in order, and its result is compared.
 *
 * @example
 * const spec = foldSpec((events: RecordedEvent[]) => [...foldDevices(events).values()]);
 * spec.given(registered("b1"), online("b1")).thenRows([{ id: "b1", status: "online" }]);
 */
export function foldSpec<E, R>(fold: (events: readonly E[]) => R): FoldSpec<E, R> {
  const start = (batches: readonly (readonly E[])[]): FoldCase<E, R> => {
    const result = () => fold(batches.flat());
    return {
      when: (...events) => start([...batches, events]),
      thenEquals(expected) {
        const r = result();
        expect(r).toEqual(expected);
        return r;
      },
      thenRows(expected) {
        const r = result();
        expect(r).toEqual(containing(expected));
        return r;
      },
      result,
    };
  };
  return { given: (...events) => start([events]) };
}

/** How a writer spec reaches the real store. */
export interface WriterSpecOptions<E, R> {
  /** Empties the read model: every case starts from nothing. */
  reset(): Promise<void>;
  /** Applies one batch as the runtime would (one transaction, one script call). */
  apply(batch: readonly E[]): Promise<void>;
  /** Reads the read model back, in the shape the spec compares. */
  read(): Promise<R>;
}

/**
 * A spec for a writer against the real store, read as
 * `given(events).when(events).thenEquals(rows)`: the store is emptied, each batch is applied
 * through the writer, and the rows are read back and compared. Compare with the pure fold of
 * the same events to pin that the writer leaves exactly what the fold gives.
 *
 * @example
 * const spec = writerSpec({ reset, apply, read });
 * await spec.given(...history).inBatchesOf(3).thenEquals(fold(history));
 */
export function writerSpec<E, R>(o: WriterSpecOptions<E, R>): WriterSpec<E, R> {
  const start = (batches: readonly (readonly E[])[], size: number): WriterCase<E, R> => {
    const result = async () => {
      await o.reset();
      for (const batch of batches)
        for (let i = 0; i < batch.length; i += size) await o.apply(batch.slice(i, i + size));
      return o.read();
    };
    return {
      when: (...events) => start([...batches, events], size),
      inBatchesOf: (n) => start(batches, n),
      async thenEquals(expected) {
        const r = await result();
        expect(r).toEqual(expected);
        return r;
      },
      async thenRows(expected) {
        const r = await result();
        expect(r).toEqual(containing(expected));
        return r;
      },
      result,
    };
  };
  return { given: (...events) => start([events], Number.POSITIVE_INFINITY) };
}
