import { LRUCache } from "lru-cache";

/**
 * A Map whose entries live in an lru-cache capped at `max`: reading an entry (`get`) makes it the most recent,
 * and past `max` the least recently used entry is dropped. Iteration runs from the least to the most recently
 * used entry, the order a Map has when every use re-inserts its key, so code written against a plain Map keeps
 * its meaning (the first key is the oldest).
 */
export class LruMap<K extends NonNullable<unknown>, V extends NonNullable<unknown>> extends Map<K, V> {
  readonly #cache: LRUCache<K, V>;

  constructor(max: number) {
    super();
    this.#cache = new LRUCache<K, V>({ max });
  }

  override get size(): number {
    return this.#cache.size;
  }

  override get(key: K): V | undefined {
    return this.#cache.get(key);
  }

  override has(key: K): boolean {
    return this.#cache.has(key);
  }

  override set(key: K, value: V): this {
    this.#cache.set(key, value);
    return this;
  }

  override delete(key: K): boolean {
    return this.#cache.delete(key);
  }

  override clear(): void {
    this.#cache.clear();
  }

  override keys(): MapIterator<K> {
    return this.#cache.rkeys() as unknown as MapIterator<K>;
  }

  override values(): MapIterator<V> {
    return this.#cache.rvalues() as unknown as MapIterator<V>;
  }

  override entries(): MapIterator<[K, V]> {
    return this.#cache.rentries() as unknown as MapIterator<[K, V]>;
  }

  override [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  override forEach(callback: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }
}
