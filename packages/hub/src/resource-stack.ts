/**
 * What a composition opened, closed in the reverse order it was opened: what depends on a
 * resource goes before it (the API before the projectors, both before the connections).
 * Node 20 has no AsyncDisposableStack; this is the part of it the hub needs.
 */
export class ResourceStack implements AsyncDisposable {
  readonly #closers: (() => Promise<void> | void)[] = [];
  #closed?: Promise<void>;

  /** Keeps `resource` and how to close it; returns the resource. */
  use<T>(resource: T, close: (r: T) => Promise<void> | void): T {
    this.#closers.push(() => close(resource));
    return resource;
  }

  /** Closes everything, last opened first; a failing close does not stop the others. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      for (const close of this.#closers.reverse()) await Promise.resolve(close()).catch(() => {});
    })();
    return this.#closed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
