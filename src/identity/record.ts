/**
 * The identity record stored in KV under `cert:sha256:<fingerprint>`, and the
 * formats of its fields. The Worker and the identity CLI both import this
 * module, so the CLI cannot write a record that the Worker would reject.
 *
 * This module depends on valibot only: it must load in workerd and in Node.
 */
import * as v from "valibot";

/** Prefix of every KV key in the IDENTITIES namespace. */
export const IDENTITY_KEY_PREFIX = "cert:sha256:";

/** The only record version this code reads and writes. */
export const IDENTITY_RECORD_VERSION = 1;

/** Cloudflare's `certFingerprintSHA256`: 64 lowercase hex characters, no separators. */
export const FINGERPRINT_SHA256 = /^[0-9a-f]{64}$/;

/** Principal: a service or device name, safe to log and to show in URLs. */
export const PRINCIPAL_FORMAT = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

/** Tenant id: lowercase DNS-label style, so it needs no escaping in paths or KV keys. */
export const TENANT_ID_FORMAT = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Scope: `resource:action`, lowercase, for example `orders:read`. */
export const SCOPE_FORMAT = /^[a-z][a-z0-9_-]{0,31}:[a-z][a-z0-9_-]{0,31}$/;

/** Key identifier as Cloudflare sends it: uppercase hex, with or without colons. */
const KEY_IDENTIFIER_FORMAT = /^[0-9A-Fa-f]{2}(?::?[0-9A-Fa-f]{2}){0,63}$/;

/** Serial number as hex, any case, leading zeros allowed (RFC 5280 caps serials at 20 octets). */
const SERIAL_FORMAT = /^[0-9A-Fa-f]{1,42}$/;

/** UTC timestamp with a `Z` suffix and no offset, so every reader gets the same instant. */
const UTC_TIMESTAMP_FORMAT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;

/** Upper bound on scopes per identity, so one record cannot make every check slow. */
export const MAX_SCOPES_PER_IDENTITY = 256;

/** Upper bound on a pinned issuer DN, far above any real DN. */
const MAX_DN_LENGTH = 1024;

export const IdentityStatusSchema = v.picklist(["active", "disabled", "revoked"]);

export const PrincipalSchema = v.pipe(v.string(), v.regex(PRINCIPAL_FORMAT, "invalid principal"));

export const TenantIdSchema = v.pipe(v.string(), v.regex(TENANT_ID_FORMAT, "invalid tenant id"));

export const ScopeSchema = v.pipe(v.string(), v.regex(SCOPE_FORMAT, "invalid scope"));

export const UtcTimestampSchema = v.pipe(
	v.string(),
	v.regex(UTC_TIMESTAMP_FORMAT, "invalid timestamp: use UTC, for example 2027-01-01T00:00:00Z"),
	v.check(isRealUtcTimestamp, "invalid timestamp: no such date"),
);

/**
 * The record schema. `strictObject` rejects unknown keys, so a typo such as
 * `scope` for `scopes` makes the record invalid instead of silently dropping it.
 */
export const IdentityRecordSchema = v.strictObject({
	version: v.literal(IDENTITY_RECORD_VERSION),
	principal: PrincipalSchema,
	tenantId: TenantIdSchema,
	scopes: v.pipe(
		v.array(ScopeSchema),
		v.maxLength(MAX_SCOPES_PER_IDENTITY, "too many scopes"),
		v.check(hasNoDuplicates, "duplicate scope"),
	),
	status: IdentityStatusSchema,
	issuerDN: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_DN_LENGTH))),
	issuerSKI: v.optional(v.pipe(v.string(), v.regex(KEY_IDENTIFIER_FORMAT, "invalid issuerSKI"))),
	serial: v.optional(v.pipe(v.string(), v.regex(SERIAL_FORMAT, "invalid serial"))),
	expiresAt: v.optional(UtcTimestampSchema),
});

export type IdentityRecord = v.InferOutput<typeof IdentityRecordSchema>;
export type IdentityStatus = v.InferOutput<typeof IdentityStatusSchema>;

/** Returns the KV key of a fingerprint that is already in Cloudflare's form. */
export function identityKey(fingerprintSHA256: string): string {
	return `${IDENTITY_KEY_PREFIX}${fingerprintSHA256}`;
}

/**
 * Parses a KV value into a record. Invalid JSON, unknown keys and wrong types
 * all return `undefined`; the issues stay out of the result on purpose,
 * because they quote the stored value.
 */
export function parseIdentityRecord(text: string): IdentityRecord | undefined {
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		return undefined;
	}

	const result = v.safeParse(IdentityRecordSchema, json);
	return result.success ? result.output : undefined;
}

/** Normalises a key identifier for comparison: uppercase, no colons. */
export function normalizeKeyIdentifier(value: string): string {
	return value.replaceAll(":", "").toUpperCase();
}

/** Normalises a hex serial for comparison as an unsigned integer: uppercase, no leading zeros. */
export function normalizeSerial(value: string): string {
	const digits = value.toUpperCase().replace(/^0+/, "");
	return digits === "" ? "0" : digits;
}

function hasNoDuplicates(values: string[]): boolean {
	return new Set(values).size === values.length;
}

/** Rejects timestamps that match the format but name no real instant, such as Feb 30. */
function isRealUtcTimestamp(value: string): boolean {
	const year = Number(value.slice(0, 4));
	const month = Number(value.slice(5, 7));
	const day = Number(value.slice(8, 10));
	const hour = Number(value.slice(11, 13));
	const minute = Number(value.slice(14, 16));
	const second = Number(value.slice(17, 19));

	const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
	return (
		date.getUTCFullYear() === year &&
		date.getUTCMonth() === month - 1 &&
		date.getUTCDate() === day &&
		date.getUTCHours() === hour &&
		date.getUTCMinutes() === minute &&
		date.getUTCSeconds() === second
	);
}
