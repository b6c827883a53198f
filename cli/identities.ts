/** Loading stored identity records by fingerprint. */
import { FINGERPRINT_SHA256, IDENTITY_KEY_PREFIX, identityKey } from "../src/identity/record.ts";
import { UserError } from "./errors.ts";
import type { KvStore } from "./kv.ts";
import { type IdentityRecord, parseIdentityRecord } from "./records.ts";

export interface StoredIdentity {
	readonly key: string;
	readonly fingerprint: string;
	readonly value: string;
	/** `undefined` when the stored value is not a valid record; the Worker responds to it with 500. */
	readonly record: IdentityRecord | undefined;
}

/** Loads the record of a fingerprint, or returns `undefined` when there is none. */
export async function loadIdentity(
	store: KvStore,
	fingerprint: string,
): Promise<StoredIdentity | undefined> {
	const key = identityKey(fingerprint);
	const value = await store.get(key);
	if (value === null) {
		return undefined;
	}
	return { key, fingerprint, value, record: parseIdentityRecord(value) };
}

/** Loads a record that must exist and be valid, as every status change needs. */
export async function requireIdentity(
	store: KvStore,
	fingerprint: string,
	where: string,
): Promise<StoredIdentity & { readonly record: IdentityRecord }> {
	const stored = await loadIdentity(store, fingerprint);
	if (stored === undefined) {
		throw new UserError(`no identity for fingerprint ${fingerprint} in ${where}`);
	}
	if (stored.record === undefined) {
		throw new UserError(
			`the value stored under ${stored.key} is not a valid identity record (the Worker responds ` +
				"with 500 internal_error for this certificate); replace it with `add --force` or delete it with `remove`",
		);
	}
	return { ...stored, record: stored.record };
}

/** A stored key that the Worker cannot use, with the reason. */
export interface InvalidEntry {
	readonly key: string;
	readonly reason: string;
}

export interface AllIdentities {
	readonly identities: Array<StoredIdentity & { readonly record: IdentityRecord }>;
	readonly invalid: InvalidEntry[];
}

/** Loads every record under the identity key prefix, sorted by tenant, principal and key. */
export async function loadAllIdentities(store: KvStore): Promise<AllIdentities> {
	const keys = await store.listKeys(IDENTITY_KEY_PREFIX);
	const values = await store.getMany(keys);
	const identities: AllIdentities["identities"] = [];
	const invalid: InvalidEntry[] = [];

	for (const key of keys) {
		const fingerprint = key.slice(IDENTITY_KEY_PREFIX.length);
		const value = values.get(key) ?? null;

		if (!FINGERPRINT_SHA256.test(fingerprint)) {
			invalid.push({
				key,
				reason: "the key does not end in 64 lowercase hex characters, so the Worker never reads it",
			});
			continue;
		}
		if (value === null) {
			// Deleted between the list and the read.
			continue;
		}

		const record = parseIdentityRecord(value);
		if (record === undefined) {
			invalid.push({
				key,
				reason: "the value is not a valid identity record; the Worker responds to it with 500",
			});
			continue;
		}
		identities.push({ key, fingerprint, value, record });
	}

	identities.sort(
		(a, b) =>
			a.record.tenantId.localeCompare(b.record.tenantId) ||
			a.record.principal.localeCompare(b.record.principal) ||
			a.key.localeCompare(b.key),
	);
	return { identities, invalid };
}
