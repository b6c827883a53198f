import { describe, expect, it } from "vitest";
import {
	cfWith,
	PLACEHOLDER_TLS_CLIENT_AUTH,
	randomFingerprint,
	validTlsClientAuth,
} from "../fixtures/certificates.ts";
import { identityRecord, putIdentity } from "../fixtures/identities.ts";
import { problemCode, send } from "../fixtures/requests.ts";

/** Sends GET /v1/whoami with `tlsClientAuth`, after mapping its fingerprint to an active identity. */
async function whoamiWith(tlsClientAuth: Record<string, unknown>): Promise<Response> {
	const fingerprint = tlsClientAuth.certFingerprintSHA256;
	if (typeof fingerprint === "string" && fingerprint !== "") {
		await putIdentity(fingerprint, identityRecord());
	}
	return send("/v1/whoami", { cf: cfWith(tlsClientAuth) });
}

function without(field: string): Record<string, unknown> {
	const tlsClientAuth = validTlsClientAuth();
	delete tlsClientAuth[field];
	return tlsClientAuth;
}

describe("certificate state through the worker", () => {
	it("accepts a valid certificate", async () => {
		const response = await whoamiWith(validTlsClientAuth());
		expect(response.status).toBe(200);
	});

	it.each([
		["cf without tlsClientAuth", {}],
		["tlsClientAuth null", { tlsClientAuth: null }],
		["tlsClientAuth a string", { tlsClientAuth: "SUCCESS" }],
		["tlsClientAuth an array", { tlsClientAuth: [] }],
	])("rejects %s as mtls_required", async (_name, cf) => {
		const response = await send("/v1/whoami", { cf });
		expect(response.status).toBe(401);
		expect(await problemCode(response)).toBe("mtls_required");
	});

	it("rejects a request with no cf metadata as mtls_required", async () => {
		const response = await send("/v1/whoami");
		expect(response.status).toBe(401);
		expect(await problemCode(response)).toBe("mtls_required");
	});

	it("rejects the placeholder as client_certificate_missing", async () => {
		const response = await send("/v1/whoami", { cf: cfWith(PLACEHOLDER_TLS_CLIENT_AUTH) });
		expect(response.status).toBe(401);
		expect(await problemCode(response)).toBe("client_certificate_missing");
	});

	it.each([
		"FAILED:certificate has expired",
		"FAILED:self signed certificate",
		"FAILED:unable to verify the first certificate",
		"FAILED:certificate is not yet valid",
		"FAILED:unable to get local issuer certificate",
		"FAILED",
		"NONE",
		"success",
		" SUCCESS",
		"SUCCESS ",
		"SUCCESS:",
		"",
	])("rejects certVerified %j as client_certificate_unverified", async (certVerified) => {
		const response = await whoamiWith(validTlsClientAuth({ certVerified }));
		expect(response.status).toBe(401);
		expect(await problemCode(response)).toBe("client_certificate_unverified");
	});

	it('rejects certRevoked "1" although certVerified is SUCCESS', async () => {
		const response = await whoamiWith(validTlsClientAuth({ certRevoked: "1" }));
		expect(response.status).toBe(401);
		expect(await problemCode(response)).toBe("client_certificate_revoked");
	});

	it.each([
		["empty fingerprint", { certFingerprintSHA256: "" }],
		["128-hex fingerprint", { certFingerprintSHA256: randomFingerprint() + randomFingerprint() }],
		["uppercase fingerprint", { certFingerprintSHA256: randomFingerprint().toUpperCase() }],
		["63-hex fingerprint", { certFingerprintSHA256: randomFingerprint().slice(1) }],
		[
			"colon fingerprint",
			{ certFingerprintSHA256: randomFingerprint().replace(/(..)(?!$)/g, "$1:") },
		],
		['certPresented "true"', { certPresented: "true" }],
		["certPresented 1 as a number", { certPresented: 1 }],
		["certVerified as a boolean", { certVerified: true }],
		["certRevoked empty", { certRevoked: "" }],
		['certRevoked "false"', { certRevoked: "false" }],
		["certRevoked 0 as a number", { certRevoked: 0 }],
		["certRFC9440TooLarge as a string", { certRFC9440TooLarge: "false" }],
		["certChainRFC9440 as null", { certChainRFC9440: null }],
		["notAfter in ISO 8601", { certNotAfter: "2099-12-31T23:59:59Z" }],
		["notAfter with UTC suffix", { certNotAfter: "Dec 31 23:59:59 2099 UTC" }],
		["notAfter on Feb 30", { certNotAfter: "Feb 30 00:00:00 2099 GMT" }],
		["notBefore zero-padded day", { certNotBefore: "Jan 05 00:00:00 2020 GMT" }],
		["notBefore empty", { certNotBefore: "" }],
	])("rejects %s as client_certificate_malformed", async (_name, overrides) => {
		const response = await whoamiWith(validTlsClientAuth(overrides));
		expect(response.status).toBe(401);
		expect(await problemCode(response)).toBe("client_certificate_malformed");
	});

	it.each([
		"certPresented",
		"certVerified",
		"certRevoked",
		"certIssuerDNRFC2253",
		"certSubjectDNLegacy",
		"certSerial",
		"certIssuerSKI",
		"certFingerprintSHA1",
		"certFingerprintSHA256",
		"certNotBefore",
		"certNotAfter",
	])("rejects a missing %s as client_certificate_malformed", async (field) => {
		const response = await whoamiWith(without(field));
		expect(response.status).toBe(401);
		expect(await problemCode(response)).toBe("client_certificate_malformed");
	});

	it.each(["certRFC9440", "certRFC9440TooLarge", "certChainRFC9440", "certChainRFC9440TooLarge"])(
		"accepts a certificate without %s, as older runtimes send",
		async (field) => {
			const response = await whoamiWith(without(field));
			expect(response.status).toBe(200);
		},
	);

	it("ignores fields Cloudflare may add later", async () => {
		const response = await whoamiWith(validTlsClientAuth({ certFutureField: "x" }));
		expect(response.status).toBe(200);
	});

	it.each([
		[
			"notAfter in 2001",
			{ certNotBefore: "Jan  1 00:00:00 2000 GMT", certNotAfter: "Jan  1 00:00:00 2001 GMT" },
		],
		["notBefore in 2099", { certNotBefore: "Jan  1 00:00:00 2099 GMT" }],
		["only notAfter in 2001", { certNotAfter: "Jan  1 00:00:00 2001 GMT" }],
		[
			"notBefore after notAfter",
			{ certNotBefore: "Jan  2 00:00:00 2099 GMT", certNotAfter: "Jan  1 00:00:00 2099 GMT" },
		],
	])("rejects %s as client_certificate_outside_validity", async (_name, overrides) => {
		const response = await whoamiWith(validTlsClientAuth(overrides));
		expect(response.status).toBe(401);
		expect(await problemCode(response)).toBe("client_certificate_outside_validity");
	});

	it("checks the certificate before routing", async () => {
		const response = await send("/no/such/path", { cf: cfWith(PLACEHOLDER_TLS_CLIENT_AUTH) });
		expect(response.status).toBe(401);
		expect(await problemCode(response)).toBe("client_certificate_missing");
	});
});
