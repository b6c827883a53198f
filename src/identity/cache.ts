/**
 * A per-isolate cache with a time to live and a maximum entry count. When full,
 * the oldest insertion is evicted, so memory stays bounded however many
 * distinct certificates call. Entries are not refreshed on read: an entry
 * lives at most `ttlMs` after the KV read that produced it.
 */
export class TtlCache<T> {
	readonly #entries = new Map<string, { readonly value: T; readonly expiresAtMs: number }>();
	readonly #ttlMs: number;
	readonly #maxEntries: number;

	constructor(ttlMs: number, maxEntries: number) {
		this.#ttlMs = ttlMs;
		this.#maxEntries = maxEntries;
	}

	get size(): number {
		return this.#entries.size;
	}

	get(key: string, now: number): T | undefined {
		const entry = this.#entries.get(key);
		if (entry === undefined) {
			return undefined;
		}

		if (now >= entry.expiresAtMs) {
			this.#entries.delete(key);
			return undefined;
		}

		return entry.value;
	}

	set(key: string, value: T, now: number): void {
		if (this.#ttlMs <= 0) {
			return;
		}

		this.#entries.delete(key);
		if (this.#entries.size >= this.#maxEntries) {
			const oldest = this.#entries.keys().next();
			if (oldest.done !== true) {
				this.#entries.delete(oldest.value);
			}
		}

		this.#entries.set(key, { value, expiresAtMs: now + this.#ttlMs });
	}

	clear(): void {
		this.#entries.clear();
	}
}
