/**
 * Step 1 of the pipeline: decide from `request.cf.tlsClientAuth` whether the
 * connection presented a verified, unrevoked, well-formed client certificate
 * that is inside its validity period. Anything else is a denial.
 *
 * Every flag is compared with `===` against the one accepted string: the flags
 * are strings, so `"0"`, `"NONE"` and `"FAILED:…"` are all truthy.
 */
import * as v from "valibot";
import { allow, deny, type Result } from "../http/problems.ts";
import { FINGERPRINT_SHA256 } from "../identity/record.ts";
import { parseOpenSslTime } from "./opensslTime.ts";
import { TlsClientAuthSchema } from "./tlsClientAuth.ts";

/** The metadata of a client certificate that passed every check. */
export interface ClientCertificate {
	readonly fingerprintSHA256: string;
	readonly serial: string;
	readonly subjectDN: string;
	readonly issuerDN: string;
	readonly issuerSKI: string;
	readonly notBeforeMs: number;
	readonly notAfterMs: number;
}

/**
 * Checks the certificate state. `now` is epoch milliseconds; `clockSkewMs`
 * widens the validity window on both ends. The window is compared at
 * one-second resolution because Cloudflare's times carry whole seconds, and
 * both ends are inclusive.
 */
export function checkClientCertificate(
	cf: unknown,
	now: number,
	clockSkewMs: number,
): Result<ClientCertificate> {
	const tlsClientAuth = readTlsClientAuth(cf);
	if (tlsClientAuth === undefined) {
		return deny({ code: "mtls_required" });
	}

	const parsed = v.safeParse(TlsClientAuthSchema, tlsClientAuth);
	if (!parsed.success) {
		return deny({ code: "client_certificate_malformed" });
	}
	const auth = parsed.output;

	if (auth.certPresented === "0") {
		return deny({ code: "client_certificate_missing" });
	}
	if (auth.certPresented !== "1") {
		return deny({ code: "client_certificate_malformed" });
	}

	if (auth.certVerified !== "SUCCESS") {
		return deny({ code: "client_certificate_unverified" });
	}

	// Cloudflare reports a revoked certificate as verified; revocation is this separate flag.
	if (auth.certRevoked === "1") {
		return deny({ code: "client_certificate_revoked" });
	}
	if (auth.certRevoked !== "0") {
		return deny({ code: "client_certificate_malformed" });
	}

	if (!FINGERPRINT_SHA256.test(auth.certFingerprintSHA256)) {
		return deny({ code: "client_certificate_malformed" });
	}

	const notBeforeMs = parseOpenSslTime(auth.certNotBefore);
	const notAfterMs = parseOpenSslTime(auth.certNotAfter);
	if (notBeforeMs === undefined || notAfterMs === undefined) {
		return deny({ code: "client_certificate_malformed" });
	}

	// A window whose start is after its end contains no instant, so it lands here too.
	const nowSeconds = Math.floor(now / 1000) * 1000;
	if (nowSeconds < notBeforeMs - clockSkewMs || nowSeconds > notAfterMs + clockSkewMs) {
		return deny({ code: "client_certificate_outside_validity" });
	}

	return allow({
		fingerprintSHA256: auth.certFingerprintSHA256,
		serial: auth.certSerial,
		subjectDN: auth.certSubjectDNRFC2253,
		issuerDN: auth.certIssuerDNRFC2253,
		issuerSKI: auth.certIssuerSKI,
		notBeforeMs,
		notAfterMs,
	});
}

/** Returns `cf.tlsClientAuth` when both are objects; `request.cf` and the field can each be absent or null. */
function readTlsClientAuth(cf: unknown): object | undefined {
	if (typeof cf !== "object" || cf === null) {
		return undefined;
	}

	const value: unknown = (cf as { tlsClientAuth?: unknown }).tlsClientAuth;
	if (typeof value !== "object" || value === null || Array.isArray(value)) {
		return undefined;
	}

	return value;
}
