import { X509Certificate } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../../cli/errors.ts";
import { fingerprintOf, normalizeFingerprint } from "../../../cli/fingerprint.ts";
import { createCa, createLeaf, type GeneratedCertificate } from "./certificates.ts";

// A fixed value, so the table below needs no generated certificate.
const HEX = "af363dc85bc942a892d3cee9796190fdb36d89cd588a4f1cb17c74a943439714";
const COLONS = HEX.toUpperCase().match(/../g)?.join(":") as string;

describe("normalizeFingerprint", () => {
	it.each([
		["Cloudflare's form", HEX],
		["uppercase", HEX.toUpperCase()],
		["uppercase with colons", COLONS],
		["openssl 1.1 output", `SHA256 Fingerprint=${COLONS}`],
		["openssl 3 output", `sha256 Fingerprint=${COLONS}`],
		["sha256: prefix", `sha256:${HEX}`],
		["whole KV key", `cert:sha256:${HEX}`],
		["surrounding whitespace and newline", `  ${HEX}\n`],
		["spaces between bytes", COLONS.replaceAll(":", " ")],
	])("accepts %s", (_name, input) => {
		expect(normalizeFingerprint(input)).toBe(HEX);
	});

	it.each([
		["40-hex SHA-1 value", "a".repeat(40), /40 hex characters, the length of a SHA-1 fingerprint/],
		["openssl SHA-1 output", `SHA1 Fingerprint=${"AB:".repeat(19)}AB`, /is a SHA-1 fingerprint/],
		["128-hex value", "b".repeat(128), /128 hex characters; a SHA-256 fingerprint has 64/],
		["63 hex characters", HEX.slice(1), /has 63 hex characters/],
		["non-hex characters", `${HEX.slice(0, 63)}g`, /characters other than hex digits/],
		["empty value", "   ", /fingerprint is empty/],
		[
			"base64 SSH form",
			"SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU",
			/characters other than hex digits/,
		],
	])("rejects %s", (_name, input, message) => {
		expect(() => normalizeFingerprint(input)).toThrow(UserError);
		expect(() => normalizeFingerprint(input)).toThrow(message);
	});
});

describe("fingerprintOf", () => {
	let leaf: GeneratedCertificate;

	beforeAll(async () => {
		leaf = await createLeaf(await createCa(), {
			commonName: "svc-fingerprint",
			serialNumber: "0a",
			notBefore: new Date("2020-01-01T00:00:00Z"),
			notAfter: new Date("2039-01-01T00:00:00Z"),
		});
	});

	it("matches Node's fingerprint256 lowercased without colons", () => {
		const expected = new X509Certificate(leaf.der).fingerprint256.replaceAll(":", "").toLowerCase();
		expect(fingerprintOf(leaf.der)).toBe(expected);
	});

	it("is 64 lowercase hex characters", () => {
		expect(fingerprintOf(leaf.der)).toMatch(/^[0-9a-f]{64}$/);
	});
});
