import { describe, expect, it } from "vitest";
import { checkClientCertificate } from "../../src/mtls/clientCertificate.ts";
import {
	cfWith,
	PLACEHOLDER_TLS_CLIENT_AUTH,
	validTlsClientAuth,
} from "../fixtures/certificates.ts";

const NOW = Date.parse("2026-06-01T12:00:00Z");
const WINDOW = {
	certNotBefore: "Jan  1 00:00:00 2026 GMT",
	certNotAfter: "Dec 31 23:59:59 2026 GMT",
};

function codeOf(cf: unknown, now = NOW, skewMs = 0): string {
	const result = checkClientCertificate(cf, now, skewMs);
	return result.ok ? "ok" : result.denial.code;
}

describe("checkClientCertificate", () => {
	it("accepts a valid certificate and returns its metadata", () => {
		const auth = validTlsClientAuth(WINDOW);
		const result = checkClientCertificate(cfWith(auth), NOW, 0);
		expect(result).toEqual({
			ok: true,
			value: {
				fingerprintSHA256: auth.certFingerprintSHA256,
				serial: auth.certSerial,
				subjectDN: auth.certSubjectDNRFC2253,
				issuerDN: auth.certIssuerDNRFC2253,
				issuerSKI: auth.certIssuerSKI,
				notBeforeMs: Date.parse("2026-01-01T00:00:00Z"),
				notAfterMs: Date.parse("2026-12-31T23:59:59Z"),
			},
		});
	});

	it.each([
		["undefined cf", undefined],
		["null cf", null],
		["a string cf", "cf"],
		["cf without tlsClientAuth", {}],
		["null tlsClientAuth", { tlsClientAuth: null }],
		["a number tlsClientAuth", { tlsClientAuth: 1 }],
		["an array tlsClientAuth", { tlsClientAuth: [validTlsClientAuth()] }],
	])("denies %s as mtls_required", (_name, cf) => {
		expect(codeOf(cf)).toBe("mtls_required");
	});

	// Each row perturbs one thing of a valid certificate; the order of the checks
	// decides the code when several things are wrong at once.
	it.each([
		["the placeholder", PLACEHOLDER_TLS_CLIENT_AUTH, "client_certificate_missing"],
		[
			"certPresented 0 with SUCCESS",
			validTlsClientAuth({ certPresented: "0" }),
			"client_certificate_missing",
		],
		[
			"certPresented empty",
			validTlsClientAuth({ certPresented: "" }),
			"client_certificate_malformed",
		],
		["certPresented 2", validTlsClientAuth({ certPresented: "2" }), "client_certificate_malformed"],
		[
			"certVerified FAILED with revoked",
			validTlsClientAuth({ certVerified: "FAILED", certRevoked: "1" }),
			"client_certificate_unverified",
		],
		[
			"certVerified lowercase",
			validTlsClientAuth({ certVerified: "success" }),
			"client_certificate_unverified",
		],
		["certRevoked 1", validTlsClientAuth({ certRevoked: "1" }), "client_certificate_revoked"],
		[
			"revoked and expired",
			validTlsClientAuth({ certRevoked: "1", certNotAfter: "Jan  1 00:00:00 2001 GMT" }),
			"client_certificate_revoked",
		],
		[
			"certRevoked true",
			validTlsClientAuth({ certRevoked: "true" }),
			"client_certificate_malformed",
		],
		[
			"a fingerprint with a trailing newline",
			validTlsClientAuth({ certFingerprintSHA256: `${"a".repeat(64)}\n` }),
			"client_certificate_malformed",
		],
		[
			"an unparseable notAfter",
			validTlsClientAuth({ certNotAfter: "soon" }),
			"client_certificate_malformed",
		],
		["extra fields only", validTlsClientAuth({ ...WINDOW, extra: { nested: true } }), "ok"],
	])("classifies %s", (_name, auth, code) => {
		expect(codeOf(cfWith(auth))).toBe(code);
	});

	it.each([
		["at notBefore", "2026-01-01T00:00:00.000Z", "ok"],
		["within the second of notAfter", "2026-12-31T23:59:59.999Z", "ok"],
		[
			"one second after notAfter",
			"2027-01-01T00:00:00.000Z",
			"client_certificate_outside_validity",
		],
		[
			"one millisecond before notBefore",
			"2025-12-31T23:59:59.999Z",
			"client_certificate_outside_validity",
		],
	])("checks the window inclusively: %s", (_name, iso, code) => {
		expect(codeOf(cfWith(validTlsClientAuth(WINDOW)), Date.parse(iso))).toBe(code);
	});

	it("widens the window by the clock skew", () => {
		const justAfter = Date.parse("2027-01-01T00:00:30Z");
		expect(codeOf(cfWith(validTlsClientAuth(WINDOW)), justAfter, 0)).toBe(
			"client_certificate_outside_validity",
		);
		expect(codeOf(cfWith(validTlsClientAuth(WINDOW)), justAfter, 60_000)).toBe("ok");
	});
});
