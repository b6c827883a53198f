/**
 * Cloudflare's `certFingerprintSHA256`: lowercase hex of SHA-256 over the
 * certificate's DER encoding, without separators. This module computes it and
 * normalises the forms people paste into it.
 */
import { createHash } from "node:crypto";
import { FINGERPRINT_SHA256 } from "../src/identity/record.ts";
import { UserError } from "./errors.ts";

const SHA1_HEX_LENGTH = 40;
const SHA256_HEX_LENGTH = 64;
const SHA512_HEX_LENGTH = 128;

// Labels that tools print before a fingerprint: openssl's
// `SHA256 Fingerprint=` (`sha256 Fingerprint=` since OpenSSL 3), a `sha256:`
// prefix, or a whole KV key copied from `wrangler kv key list`.
const SHA256_LABEL = /^(?:cert:)?sha-?256(?:\s+fingerprint)?\s*[=:]\s*/i;
const SHA1_LABEL = /^sha-?1(?:\s+fingerprint)?\s*[=:]/i;

/** Computes the fingerprint of a DER-encoded certificate in Cloudflare's form. */
export function fingerprintOf(der: Uint8Array): string {
	return createHash("sha256").update(der).digest("hex");
}

/**
 * Normalises a pasted fingerprint to Cloudflare's form: removes a label,
 * colons and whitespace, and lowercases. Throws a `UserError` that names the
 * likely mistake when the result is not 64 hex characters.
 */
export function normalizeFingerprint(input: string): string {
	const trimmed = input.trim();

	if (SHA1_LABEL.test(trimmed)) {
		throw new UserError(
			`fingerprint "${trimmed}" is a SHA-1 fingerprint; use the SHA-256 one ` +
				"(openssl x509 -noout -fingerprint -sha256 -in CERT)",
		);
	}

	const hex = trimmed.replace(SHA256_LABEL, "").replace(/[:\s]/g, "").toLowerCase();

	if (hex === "") {
		throw new UserError("fingerprint is empty; expected 64 hex characters");
	}
	if (!/^[0-9a-f]+$/.test(hex)) {
		throw new UserError(
			`fingerprint "${trimmed}" contains characters other than hex digits, colons and spaces`,
		);
	}
	if (hex.length === SHA1_HEX_LENGTH) {
		throw new UserError(
			`fingerprint "${trimmed}" has 40 hex characters, the length of a SHA-1 fingerprint; ` +
				"use the SHA-256 one (openssl x509 -noout -fingerprint -sha256 -in CERT)",
		);
	}
	if (hex.length === SHA512_HEX_LENGTH) {
		throw new UserError(
			`fingerprint "${trimmed}" has 128 hex characters; a SHA-256 fingerprint has 64. ` +
				"Cloudflare's type documentation shows a 128-character example, but the real " +
				"certFingerprintSHA256 value has 64",
		);
	}
	if (hex.length !== SHA256_HEX_LENGTH || !FINGERPRINT_SHA256.test(hex)) {
		throw new UserError(
			`fingerprint "${trimmed}" has ${hex.length} hex characters; a SHA-256 fingerprint has 64`,
		);
	}

	return hex;
}
