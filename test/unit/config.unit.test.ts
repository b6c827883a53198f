import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/config.ts";

describe("parseConfig", () => {
	it("applies the defaults to an empty env", () => {
		expect(parseConfig({})).toEqual({
			ok: true,
			config: {
				identityCacheTtlMs: 30_000,
				identityCacheMaxEntries: 10_000,
				kvCacheTtlSeconds: 60,
				kvTimeoutMs: 1500,
				clockSkewMs: 0,
				maxBodyBytes: 65_536,
				extraUntrustedHeaders: [],
			},
		});
	});

	it("accepts numbers as TOML strings or integers", () => {
		const parsed = parseConfig({ IDENTITY_CACHE_TTL_SECONDS: "5", CLOCK_SKEW_SECONDS: 10 });
		expect(parsed.ok).toBe(true);
		const config = parsed.ok ? parsed.config : undefined;
		expect(config?.identityCacheTtlMs).toBe(5000);
		expect(config?.clockSkewMs).toBe(10_000);
	});

	it.each([
		["IDENTITY_CACHE_TTL_SECONDS", "thirty"],
		["IDENTITY_CACHE_TTL_SECONDS", "-1"],
		["IDENTITY_CACHE_TTL_SECONDS", "301"],
		["IDENTITY_CACHE_TTL_SECONDS", "1.5"],
		["IDENTITY_CACHE_MAX_ENTRIES", "0"],
		["KV_CACHE_TTL_SECONDS", "29"],
		["KV_TIMEOUT_MS", "10"],
		["CLOCK_SKEW_SECONDS", "3600"],
		["MAX_BODY_BYTES", ""],
		["MAX_BODY_BYTES", 1.5],
		["EXTRA_UNTRUSTED_HEADERS", "x-a\nx-b"],
		["EXTRA_UNTRUSTED_HEADERS", 42],
	])("rejects %s = %j and names only the key", (key, value) => {
		const parsed = parseConfig({ [key]: value });
		expect(parsed).toEqual({ ok: false, invalidKeys: [key] });
	});
});
