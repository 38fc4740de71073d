export { closeWithin } from "./close-within.ts";
export { rawMessage } from "./raw-message.ts";
export type { ConsumerEntry, ConsumerRead, ReadConsumerOptions } from "./read-consumer.ts";
export { readConsumer } from "./read-consumer.ts";
export type { LogEnd, LogEntry, LogRead, LogStart, ReadLogOptions } from "./read-log.ts";
export { readLog } from "./read-log.ts";
