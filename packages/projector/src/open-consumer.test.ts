import type { ConsumerEntry, LogEntry } from "@uaip/log-reader";
import { describe, expect, it } from "vitest";
import { ConsumerTakenError } from "./errors.ts";
import { checkDeliveredInOrder } from "./open-consumer.ts";

const delivered = (deliverySequence: number) =>
  ({ deliverySequence, ack: () => {} }) as unknown as ConsumerEntry;

describe("open consumer", () => {
  it("open consumer - consecutive deliveries answer the last one, batch after batch", () => {
    const first = checkDeliveredInOrder([delivered(1), delivered(2), delivered(3)], 0);
    expect(first).toBe(3);
    expect(checkDeliveredInOrder([delivered(4), delivered(5)], first)).toBe(5);
  });

  it("open consumer - a gap means another process pulled from the consumer", () => {
    expect(() => checkDeliveredInOrder([delivered(1), delivered(3)], 0)).toThrow(
      new ConsumerTakenError("delivery 3 after 1"),
    );
    expect(() => checkDeliveredInOrder([delivered(7)], 5)).toThrow(ConsumerTakenError);
  });

  it("open consumer - a shadow read's entries carry no delivery count and pass", () => {
    const shadow = { pending: 0 } as unknown as LogEntry;
    expect(checkDeliveredInOrder([shadow, shadow], 0)).toBe(0);
  });
});
