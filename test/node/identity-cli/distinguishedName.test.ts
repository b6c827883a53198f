import { rm } from "node:fs/promises";
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCertificate } from "../../../cli/certificate.ts";
import { HAS_OPENSSL, makeTempDir, opensslX509, writeFixture } from "./certificates.ts";

x509.cryptoProvider.set(webcrypto);

const EC_P256 = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

// Names that exercise each string type and escaping rule. The expected texts
// are what `openssl x509 -subject -nameopt RFC2253` (OpenSSL 3.0) prints.
const CASES: ReadonlyArray<{ name: string; json: x509.JsonNameParams; expected: string }> = [
	{
		name: "BMPString with non-Latin text",
		json: [{ "2.5.4.3": [{ bmpString: "Ωmega" }] }],
		expected: "CN=\\CE\\A9mega",
	},
	{
		name: "IA5String email and domain components",
		json: [
			{ "0.9.2342.19200300.100.1.25": [{ ia5String: "com" }] },
			{ "0.9.2342.19200300.100.1.25": [{ ia5String: "example" }] },
			{ "1.2.840.113549.1.9.1": [{ ia5String: "ops@example.com" }] },
		],
		expected: "emailAddress=ops@example.com,DC=example,DC=com",
	},
	{
		name: "specials, quotes and a leading space",
		json: [{ "2.5.4.10": [{ utf8String: ' a;b<c>d"e\\f' }] }],
		expected: 'O=\\ a\\;b\\<c\\>d\\"e\\\\f',
	},
	{
		name: "an attribute type without a short name",
		json: [{ "1.3.6.1.4.1.99999.1": [{ utf8String: "abc" }] }],
		expected: "1.3.6.1.4.1.99999.1=#0C03616263",
	},
];

let directory: string;
const certificates = new Map<string, Uint8Array>();

beforeAll(async () => {
	directory = await makeTempDir("identity-cli-dn-");
	const keys = (await webcrypto.subtle.generateKey(EC_P256, true, [
		"sign",
		"verify",
	])) as webcrypto.CryptoKeyPair;

	for (const testCase of CASES) {
		const certificate = await x509.X509CertificateGenerator.createSelfSigned({
			serialNumber: "01",
			name: new x509.Name(testCase.json),
			notBefore: new Date("2020-01-01T00:00:00Z"),
			notAfter: new Date("2040-01-01T00:00:00Z"),
			keys,
			signingAlgorithm: EC_P256,
		});
		certificates.set(testCase.name, new Uint8Array(certificate.rawData));
	}
});

afterAll(async () => {
	await rm(directory, { recursive: true, force: true });
});

describe("formatNameRfc2253", () => {
	it.each(CASES)("formats $name", ({ name, expected }) => {
		const der = certificates.get(name) as Uint8Array;
		expect(parseCertificate(der, name).subjectDN).toBe(expected);
	});

	it.skipIf(!HAS_OPENSSL).each(CASES)("matches openssl for $name", async ({ name }) => {
		const der = certificates.get(name) as Uint8Array;
		const path = await writeFixture(
			directory,
			`${CASES.findIndex((testCase) => testCase.name === name)}.der`,
			der,
		);
		const output = opensslX509(path, "DER", ["-subject", "-nameopt", "RFC2253"]);
		expect(`subject=${parseCertificate(der, name).subjectDN}`).toBe(output);
	});
});
