import type { ConsumerMessages } from "@nats-io/jetstream";

/**
 * Closes a consumer's message iterator, giving up after `ms`. nats.js finishes `close()`
 * only once the iterator is pulled again, which never happens if a read was left pending.
 */
export async function closeWithin(messages: ConsumerMessages, ms = 250): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    messages.close().catch(() => {}),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}
