import { describe, expect, it } from "vitest";
import {
	identityKey,
	normalizeKeyIdentifier,
	normalizeSerial,
	parseIdentityRecord,
} from "../../src/identity/record.ts";
import { identityRecord } from "../fixtures/identities.ts";

describe("parseIdentityRecord", () => {
	it("parses the documented example with every pin", () => {
		const text = JSON.stringify({
			...identityRecord(),
			issuerDN: "CN=Acme Client CA,O=Acme",
			issuerSKI: "AB:CD:EF:01",
			serial: "00936EACBE07F201DF",
			expiresAt: "2027-01-01T00:00:00Z",
		});
		expect(parseIdentityRecord(text)).toMatchObject({
			principal: "svc-billing",
			serial: "00936EACBE07F201DF",
		});
	});

	it.each([
		["invalid JSON", "{"],
		["an array", "[]"],
		["a missing principal", JSON.stringify({ ...identityRecord(), principal: undefined })],
		[
			"a duplicate scope",
			JSON.stringify(identityRecord({ scopes: ["orders:read", "orders:read"] })),
		],
		["a scope without an action", JSON.stringify(identityRecord({ scopes: ["orders"] }))],
		["an uppercase scope", JSON.stringify(identityRecord({ scopes: ["Orders:read"] }))],
		["a tenant with a slash", JSON.stringify(identityRecord({ tenantId: "acme/x" }))],
		["an uppercase tenant", JSON.stringify(identityRecord({ tenantId: "Acme" }))],
		["a principal with a space", JSON.stringify(identityRecord({ principal: "svc billing" }))],
		["an empty issuerDN", JSON.stringify(identityRecord({ issuerDN: "" }))],
		["a non-hex issuerSKI", JSON.stringify(identityRecord({ issuerSKI: "ZZ:01" }))],
		["a non-hex serial", JSON.stringify(identityRecord({ serial: "0x1F" }))],
		["expiresAt on Feb 30", JSON.stringify(identityRecord({ expiresAt: "2027-02-30T00:00:00Z" }))],
		[
			"expiresAt without a zone",
			JSON.stringify(identityRecord({ expiresAt: "2027-01-01T00:00:00" })),
		],
		[
			"a __proto__ key",
			`{"version":1,"principal":"p","tenantId":"t","scopes":[],"status":"active","__proto__":{}}`,
		],
		[
			"257 scopes",
			JSON.stringify(
				identityRecord({ scopes: Array.from({ length: 257 }, (_, i) => `s${i}:read`) }),
			),
		],
	])("rejects %s", (_name, text) => {
		expect(parseIdentityRecord(text)).toBeUndefined();
	});
});

describe("record helpers", () => {
	it("builds the KV key", () => {
		expect(identityKey("ab".repeat(32))).toBe(`cert:sha256:${"ab".repeat(32)}`);
	});

	it.each([
		["AB:CD:EF", "ABCDEF"],
		["abcdef", "ABCDEF"],
	])("normalises key identifier %j", (input, expected) => {
		expect(normalizeKeyIdentifier(input)).toBe(expected);
	});

	it.each([
		["00936EACBE07F201DF", "936EACBE07F201DF"],
		["936eacbe07f201df", "936EACBE07F201DF"],
		["000", "0"],
	])("normalises serial %j", (input, expected) => {
		expect(normalizeSerial(input)).toBe(expected);
	});
});
