export type { TestNatsServer } from "./nats-server.ts";
export { startTestNatsServer } from "./nats-server.ts";
