/**
 * Command ids this device has accepted, newest last, bounded: the oldest is forgotten when
 * `limit` is passed. Each keeps its outcome once known, so a redelivered command is answered
 * again without running its handler a second time.
 */
export class SeenCommands<T> {
  readonly #entries = new Map<string, T>();
  constructor(readonly limit: number) {}

  get(commandId: string): T | undefined {
    return this.#entries.get(commandId);
  }

  add(commandId: string, value: T): void {
    this.#entries.delete(commandId);
    this.#entries.set(commandId, value);
    while (this.#entries.size > this.limit) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
