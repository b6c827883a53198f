/**
 * Step 3a: find the identity mapped to a certificate fingerprint in KV.
 *
 * Every outcome of a successful read is cached for the configured TTL,
 * including "not found" and "invalid record", so a caller cycling through
 * unknown certificates costs at most one KV read per fingerprint per TTL.
 * A failed or timed-out read is never cached.
 */
import type { Config } from "../config/config.ts";
import type { Denial, Result } from "../http/problems.ts";
import type { TtlCache } from "./cache.ts";
import { type Identity, toIdentity } from "./identity.ts";
import { identityKey, parseIdentityRecord } from "./record.ts";

export type LookupOutcome =
	| { readonly kind: "found"; readonly identity: Identity }
	| { readonly kind: "not_found" }
	| { readonly kind: "invalid_record" }
	| { readonly kind: "store_unavailable" };

/** Called before a KV read; a denial (such as a rate limit) stops the read. */
export type ReadAdmission = () => Promise<Result<void>>;

/** Seconds a client should wait after a failed identity read. */
export const STORE_RETRY_AFTER_SECONDS = 5;

export async function lookupIdentity(
	store: KVNamespace,
	cache: TtlCache<LookupOutcome>,
	fingerprintSHA256: string,
	config: Config,
	now: number,
	admitRead: ReadAdmission = admitAll,
): Promise<LookupOutcome | { readonly kind: "read_denied"; readonly denial: Denial }> {
	const cached = cache.get(fingerprintSHA256, now);
	if (cached !== undefined) {
		return cached;
	}

	const admission = await admitRead();
	if (!admission.ok) {
		return { kind: "read_denied", denial: admission.denial };
	}

	// NOTE: concurrent first lookups of one fingerprint each read KV. Sharing one
	// in-flight promise across requests would save those reads, but a request
	// that is cancelled mid-read could then strand every request waiting on it.
	let text: string | null;
	try {
		text = await readWithTimeout(store, identityKey(fingerprintSHA256), config);
	} catch {
		return { kind: "store_unavailable" };
	}

	const outcome = toOutcome(text);
	cache.set(fingerprintSHA256, outcome, now);
	return outcome;
}

async function admitAll(): Promise<Result<void>> {
	return { ok: true, value: undefined };
}

function toOutcome(text: string | null): LookupOutcome {
	if (text === null) {
		return { kind: "not_found" };
	}

	const record = parseIdentityRecord(text);
	if (record === undefined) {
		return { kind: "invalid_record" };
	}

	return { kind: "found", identity: toIdentity(record) };
}

async function readWithTimeout(
	store: KVNamespace,
	key: string,
	config: Config,
): Promise<string | null> {
	let timer: ReturnType<typeof setTimeout> | null = null;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error("identity read timed out")), config.kvTimeoutMs);
	});

	try {
		return await Promise.race([
			store.get(key, { type: "text", cacheTtl: config.kvCacheTtlSeconds }),
			timeout,
		]);
	} finally {
		if (timer !== null) {
			clearTimeout(timer);
		}
	}
}
