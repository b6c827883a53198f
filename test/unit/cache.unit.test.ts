import { describe, expect, it } from "vitest";
import { TtlCache } from "../../src/identity/cache.ts";

describe("TtlCache", () => {
	it("returns an entry until its TTL passes", () => {
		const cache = new TtlCache<string>(1000, 10);
		cache.set("a", "value", 0);
		expect(cache.get("a", 999)).toBe("value");
		expect(cache.get("a", 1000)).toBeUndefined();
		expect(cache.size).toBe(0);
	});

	it("evicts the oldest insertion when full", () => {
		const cache = new TtlCache<number>(1000, 2);
		cache.set("a", 1, 0);
		cache.set("b", 2, 0);
		cache.set("c", 3, 0);
		expect(cache.get("a", 1)).toBeUndefined();
		expect(cache.get("b", 1)).toBe(2);
		expect(cache.get("c", 1)).toBe(3);
		expect(cache.size).toBe(2);
	});

	it("stays within its bound under many distinct keys", () => {
		const cache = new TtlCache<number>(60_000, 100);
		for (let i = 0; i < 10_000; i += 1) {
			cache.set(`key-${i}`, i, 0);
		}
		expect(cache.size).toBe(100);
	});

	it("stores nothing with a TTL of zero", () => {
		const cache = new TtlCache<number>(0, 10);
		cache.set("a", 1, 0);
		expect(cache.get("a", 0)).toBeUndefined();
	});
});
