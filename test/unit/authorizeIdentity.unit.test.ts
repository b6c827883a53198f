import { describe, expect, it } from "vitest";
import { authorizeIdentity } from "../../src/identity/authorizeIdentity.ts";
import { toIdentity } from "../../src/identity/identity.ts";
import type { IdentityRecord } from "../../src/identity/record.ts";
import type { ClientCertificate } from "../../src/mtls/clientCertificate.ts";
import { identityRecord } from "../fixtures/identities.ts";

const NOW = Date.parse("2026-06-01T00:00:00Z");

const certificate: ClientCertificate = {
	fingerprintSHA256: "a".repeat(64),
	serial: "00936EACBE07F201DF",
	subjectDN: "CN=svc-billing,O=Acme",
	issuerDN: "CN=Acme Client CA,O=Acme",
	issuerSKI: "BB:AF:7E:02",
	notBeforeMs: 0,
	notAfterMs: NOW * 2,
};

function codeOf(overrides: Partial<IdentityRecord>, cert = certificate): string {
	const result = authorizeIdentity(toIdentity(identityRecord(overrides)), cert, NOW);
	return result.ok ? "ok" : result.denial.code;
}

describe("authorizeIdentity", () => {
	it.each([
		["an active record", {}, "ok"],
		["a disabled record", { status: "disabled" }, "identity_disabled"],
		["a revoked record", { status: "revoked" }, "identity_revoked"],
		["a revoked record with a wrong pin", { status: "revoked", serial: "01" }, "identity_revoked"],
		["an expiry one second ago", { expiresAt: "2026-05-31T23:59:59Z" }, "identity_expired"],
		["an expiry exactly now", { expiresAt: "2026-06-01T00:00:00Z" }, "ok"],
		["a matching issuer DN", { issuerDN: "CN=Acme Client CA,O=Acme" }, "ok"],
		[
			"an issuer DN with another RDN order",
			{ issuerDN: "O=Acme,CN=Acme Client CA" },
			"issuer_mismatch",
		],
		["a matching SKI in another form", { issuerSKI: "bbaf7e02" }, "ok"],
		["another SKI", { issuerSKI: "BB:AF:7E:03" }, "issuer_mismatch"],
		["a matching serial without leading zeros", { serial: "936EACBE07F201DF" }, "ok"],
		["another serial", { serial: "936EACBE07F201D0" }, "serial_mismatch"],
	] as const)("returns %s as %s", (_name, overrides, code) => {
		expect(codeOf(overrides)).toBe(code);
	});

	it.each([
		["an empty serial", ""],
		["a serial with separators", "00:93:6E"],
	])("never matches a serial pin against %s", (_name, serial) => {
		expect(codeOf({ serial: "0" }, { ...certificate, serial })).toBe("serial_mismatch");
	});

	it("never matches an SKI pin against an empty SKI", () => {
		expect(codeOf({ issuerSKI: "00" }, { ...certificate, issuerSKI: "" })).toBe("issuer_mismatch");
	});
});
