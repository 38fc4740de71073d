import type { RecordedEvent } from "@uaip/events";
import type { WriterSpec } from "@uaip/testkit";
import { it } from "vitest";

export interface WriterContract<R> {
  /** The spec's area, e.g. "devices writer": the tests are named "<area> - …". */
  readonly area: string;
  readonly spec: WriterSpec<RecordedEvent, R>;
  readonly history: readonly RecordedEvent[];
  /** The pure fold of the same events, in the shape the spec reads back. */
  fold(events: readonly RecordedEvent[]): unknown;
  /** Whether applying an applied batch again is a no-op (a sequence guard or DO NOTHING). */
  readonly replayable: boolean;
}

/**
 * What every writer must do against its real store: leave exactly the rows its pure fold
 * gives for the same events, however the events are cut into batches, and (when replayable)
 * change nothing when a batch comes again. Declares the tests in the calling spec file.
 */
export function writerContract<R>({ area, spec, history, fold, replayable }: WriterContract<R>) {
  it(`${area} - one batch leaves the rows the fold gives`, async () => {
    await spec.given(...history).thenEquals(fold(history));
  });

  it(`${area} - a history cut into batches leaves what one batch leaves`, async () => {
    const inThrees = await spec
      .given(...history)
      .inBatchesOf(3)
      .thenEquals(fold(history));
    await spec
      .given(...history)
      .inBatchesOf(1)
      .thenEquals(inThrees);
  });

  if (!replayable) return;
  it(`${area} - the same batch applied twice changes nothing`, async () => {
    const half = history.slice(0, Math.ceil(history.length / 2));
    const once = await spec.given(...half).thenEquals(fold(half));
    await spec
      .given(...half)
      .when(...half)
      .thenEquals(once);
    // And a batch overlapping what is applied lands only its new part.
    await spec
      .given(...half)
      .when(...half)
      .when(...history)
      .thenEquals(fold(history));
  });
}
