/**
 * An in-memory stand-in for a KV namespace binding, for the in-process suites
 * only. It counts calls, so a suite can report KV reads per request. Values
 * come from a map, or from a function of the key, so a suite can serve
 * 100,000 identities without holding 100,000 strings in the measured heap.
 *
 * It implements the calls the gate and the example routes make (`get` as
 * text, `put`, `list` by prefix) and nothing else.
 */

export type ValueSource = (key: string) => string | null;

export class MemoryKv {
	readonly #values = new Map<string, string>();
	readonly #source: ValueSource | undefined;
	reads = 0;
	writes = 0;
	lists = 0;

	constructor(source?: ValueSource) {
		this.#source = source;
	}

	get(key: string, options?: unknown): Promise<string | null> {
		this.reads += 1;
		if (typeof options === "object" && options !== null && "type" in options) {
			if (options.type !== "text") {
				throw new Error(`MemoryKv serves text only; got type ${String(options.type)}`);
			}
		}
		return Promise.resolve(this.#values.get(key) ?? this.#source?.(key) ?? null);
	}

	put(key: string, value: string): Promise<void> {
		this.writes += 1;
		this.#values.set(key, value);
		return Promise.resolve();
	}

	list(options: { prefix?: string; limit?: number } = {}): Promise<{
		keys: { name: string }[];
		list_complete: true;
		cacheStatus: null;
	}> {
		this.lists += 1;
		const prefix = options.prefix ?? "";
		const names = [...this.#values.keys()].filter((name) => name.startsWith(prefix)).sort();
		const keys = names.slice(0, options.limit ?? 1000).map((name) => ({ name }));
		return Promise.resolve({ keys, list_complete: true, cacheStatus: null });
	}

	resetCounters(): void {
		this.reads = 0;
		this.writes = 0;
		this.lists = 0;
	}

	/** This object typed as the binding the Worker expects. */
	asBinding(): KVNamespace {
		return this as unknown as KVNamespace;
	}
}

/** A rate limiter binding that admits every call and counts them. */
export class AdmittingRateLimiter {
	calls = 0;

	limit(_options: { key: string }): Promise<{ success: boolean }> {
		this.calls += 1;
		return Promise.resolve({ success: true });
	}

	asBinding(): RateLimit {
		return this as unknown as RateLimit;
	}
}
