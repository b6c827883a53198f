/**
 * Certificates, identity records and requests for the benchmarks. Fingerprints
 * are derived from an index, so the in-process suites, the KV seed file and
 * the load generator agree on them without sharing state.
 */
import { createHash } from "node:crypto";
import type { IdentityRecord } from "../../src/identity/record.ts";
import { validTlsClientAuth } from "../../test/fixtures/certificates.ts";
import { BASELINE_IDENTITY } from "../baseline/identity.ts";

/** Host of every in-process request; the gate reads only the path. */
const ORIGIN = "https://api.example.com";

/** Index of the warm-cache certificate, mapped to the baseline's identity. */
export const WARM_CERTIFICATE = 0;

/** Returns a SHA-256 fingerprint in Cloudflare's form (64 lowercase hex) for certificate `index`. */
export function fingerprintFor(index: number): string {
	return createHash("sha256").update(`bench-certificate-${index}`).digest("hex");
}

/** Builds a verified, unrevoked, currently valid `tlsClientAuth` object for certificate `index`. */
export function tlsClientAuthFor(index: number): Record<string, unknown> {
	return validTlsClientAuth({ certFingerprintSHA256: fingerprintFor(index) });
}

/**
 * Builds the identity record of certificate `index`. The warm certificate gets the
 * baseline's identity; every other one gets its own principal, so per-identity
 * rate limits never join two certificates.
 */
export function identityRecordFor(index: number, scopes?: readonly string[]): IdentityRecord {
	const principal = index === WARM_CERTIFICATE ? BASELINE_IDENTITY.principal : `svc-bench-${index}`;
	return {
		version: 1,
		principal,
		tenantId: BASELINE_IDENTITY.tenantId,
		scopes: [...(scopes ?? BASELINE_IDENTITY.scopes)],
		status: "active",
	};
}

/**
 * Headers of a typical API call as it reaches a Worker: the client's own and
 * those Cloudflare adds. `cf-ray` is in the format the Worker takes as its
 * request id.
 */
export const TYPICAL_HEADERS: Readonly<Record<string, string>> = {
	accept: "application/json",
	"accept-encoding": "gzip, br",
	"user-agent": "billing-service/2.3 (+https://example.com)",
	"cf-connecting-ip": "203.0.113.7",
	"cf-ipcountry": "US",
	"cf-ray": "8f1e2d3c4b5a6978-SJC",
	"x-forwarded-proto": "https",
	"x-real-ip": "203.0.113.7",
};

/** Builds a request as the runtime hands it to the Worker, with `request.cf.tlsClientAuth` set. */
export function gateRequest(path: string, tlsClientAuth: Record<string, unknown>): Request {
	const request = new Request(`${ORIGIN}${path}`, { headers: TYPICAL_HEADERS });
	// Node's Request has no `cf`; workerd sets it as a read-only property.
	Object.defineProperty(request, "cf", { value: { tlsClientAuth } });
	return request;
}

/** Returns the `MF-CF-Blob` header value that makes `wrangler dev` set `request.cf` to carry this certificate. */
export function cfBlobFor(index: number): string {
	return JSON.stringify({ tlsClientAuth: tlsClientAuthFor(index) });
}
