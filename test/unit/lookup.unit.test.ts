import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type Config, parseConfig } from "../../src/config/config.ts";
import { TtlCache } from "../../src/identity/cache.ts";
import { type LookupOutcome, lookupIdentity } from "../../src/identity/lookup.ts";
import { randomFingerprint } from "../fixtures/certificates.ts";
import { identityRecord, putIdentity } from "../fixtures/identities.ts";

function config(vars: Record<string, string> = {}): Config {
	const parsed = parseConfig(vars);
	if (!parsed.ok) {
		throw new Error("test configuration should parse");
	}
	return parsed.config;
}

/** Returns the principal of a found identity, or the outcome's kind otherwise. */
function principalOf(outcome: { kind: string; identity?: { principal: string } }): string {
	return outcome.identity?.principal ?? outcome.kind;
}

/** Returns the status of a found identity, or the outcome's kind otherwise. */
function statusOf(outcome: { kind: string; identity?: { status: string } }): string {
	return outcome.identity?.status ?? outcome.kind;
}

/** Wraps the real binding to count reads; the reads still go to local KV. */
function countingStore(): { store: KVNamespace; reads: () => number } {
	let reads = 0;
	const store = {
		get: (key: string, options: KVNamespaceGetOptions<"text">) => {
			reads += 1;
			return env.IDENTITIES.get(key, options);
		},
	} as unknown as KVNamespace;
	return { store, reads: () => reads };
}

describe("lookupIdentity", () => {
	it("finds a stored identity", async () => {
		const fingerprint = randomFingerprint();
		await putIdentity(fingerprint, identityRecord({ principal: "svc-found" }));

		const outcome = await lookupIdentity(
			env.IDENTITIES,
			new TtlCache(30_000, 10),
			fingerprint,
			config(),
			0,
		);
		expect(outcome.kind).toBe("found");
		expect(principalOf(outcome)).toBe("svc-found");
	});

	it("reads KV once per fingerprint within the TTL, including misses", async () => {
		const { store, reads } = countingStore();
		const cache = new TtlCache<LookupOutcome>(30_000, 10);
		const known = randomFingerprint();
		const unknown = randomFingerprint();
		await putIdentity(known, identityRecord());

		for (let i = 0; i < 5; i += 1) {
			await lookupIdentity(store, cache, known, config(), 1000 * i);
			await lookupIdentity(store, cache, unknown, config(), 1000 * i);
		}
		expect(reads()).toBe(2);

		await lookupIdentity(store, cache, known, config(), 30_000);
		expect(reads()).toBe(3);
	});

	it("sees a changed record once the TTL has passed", async () => {
		const fingerprint = randomFingerprint();
		const cache = new TtlCache<LookupOutcome>(30_000, 10);
		await putIdentity(fingerprint, identityRecord());
		await lookupIdentity(env.IDENTITIES, cache, fingerprint, config(), 0);

		await putIdentity(fingerprint, identityRecord({ status: "disabled" }));
		const cached = await lookupIdentity(env.IDENTITIES, cache, fingerprint, config(), 29_999);
		const fresh = await lookupIdentity(env.IDENTITIES, cache, fingerprint, config(), 30_000);
		expect(statusOf(cached)).toBe("active");
		expect(statusOf(fresh)).toBe("disabled");
	});

	it("never serves a stale active record once the TTL passed and KV fails", async () => {
		const fingerprint = randomFingerprint();
		const cache = new TtlCache<LookupOutcome>(30_000, 10);
		await putIdentity(fingerprint, identityRecord());
		await lookupIdentity(env.IDENTITIES, cache, fingerprint, config(), 0);

		const failing = { get: () => Promise.reject(new Error("KV down")) } as unknown as KVNamespace;
		const outcome = await lookupIdentity(failing, cache, fingerprint, config(), 30_000);
		expect(outcome).toEqual({ kind: "store_unavailable" });
	});

	it("skips the read when admission is denied", async () => {
		const { store, reads } = countingStore();
		const outcome = await lookupIdentity(
			store,
			new TtlCache(30_000, 10),
			randomFingerprint(),
			config(),
			0,
			async () => ({ ok: false, denial: { code: "rate_limited", retryAfterSeconds: 60 } }),
		);
		expect(outcome.kind).toBe("read_denied");
		expect(reads()).toBe(0);
	});

	it("reports a read slower than KV_TIMEOUT_MS as store_unavailable", async () => {
		const slow = { get: () => new Promise(() => {}) } as unknown as KVNamespace;
		const outcome = await lookupIdentity(
			slow,
			new TtlCache(30_000, 10),
			randomFingerprint(),
			config({ KV_TIMEOUT_MS: "50" }),
			0,
		);
		expect(outcome).toEqual({ kind: "store_unavailable" });
	});

	it("reports an invalid record as invalid_record", async () => {
		const fingerprint = randomFingerprint();
		await putIdentity(fingerprint, '{"version":1}');
		const outcome = await lookupIdentity(
			env.IDENTITIES,
			new TtlCache(30_000, 10),
			fingerprint,
			config(),
			0,
		);
		expect(outcome).toEqual({ kind: "invalid_record" });
	});
});
