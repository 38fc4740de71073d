/** A bounded map that forgets the least recently used entry first. */
export interface RowCache<T> {
  get(key: string): T | undefined;
  set(key: string, value: T): void;
  clear(): void;
  readonly size: number;
}

/**
 * Least-recently-used cache of rows a writer keeps between batches, so a batch need not
 * read back rows it wrote itself. `max` 0 keeps nothing.
 */
export function rowCache<T>(max: number): RowCache<T> {
  const map = new Map<string, T>();
  return {
    get(key) {
      const value = map.get(key);
      if (value !== undefined) {
        // Re-insert to mark it most recently used (Map keeps insertion order).
        map.delete(key);
        map.set(key, value);
      }
      return value;
    },
    set(key, value) {
      if (max <= 0) return;
      map.delete(key);
      map.set(key, value);
      if (map.size > max) map.delete(map.keys().next().value as string);
    },
    clear: () => map.clear(),
    get size() {
      return map.size;
    },
  };
}
