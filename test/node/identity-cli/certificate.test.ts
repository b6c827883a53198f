import { X509Certificate } from "node:crypto";
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	checkValidity,
	decodeCertificates,
	parseCertificate,
	readCertificateFile,
} from "../../../cli/certificate.ts";
import { UserError } from "../../../cli/errors.ts";
import { normalizeSerial } from "../../../src/identity/record.ts";
import {
	CA_NAME_RFC2253,
	createCa,
	createLeaf,
	type GeneratedCertificate,
	HAS_OPENSSL,
	makeTempDir,
	opensslX509,
	percentEncodeAll,
	percentEncodeWhitespace,
	pkcs8Der,
	pkcs8Pem,
	subjectKeyIdentifierOf,
	writeFixture,
} from "./certificates.ts";

const VALID_FROM = new Date("2020-01-01T00:00:00Z");
const VALID_TO = new Date("2039-01-01T00:00:00Z");

let ca: GeneratedCertificate;
let leaf: GeneratedCertificate;
let expectedFingerprint: string;
let directory: string;

beforeAll(async () => {
	ca = await createCa();
	// A serial whose first byte is 0x93 gets a leading 00 in DER, as in Cloudflare's example.
	leaf = await createLeaf(ca, {
		commonName: "svc-billing",
		serialNumber: "936eacbe07f201df",
		notBefore: VALID_FROM,
		notAfter: VALID_TO,
	});
	expectedFingerprint = new X509Certificate(leaf.der).fingerprint256
		.replaceAll(":", "")
		.toLowerCase();
	directory = await makeTempDir("identity-cli-certificate-");
});

afterAll(async () => {
	await rm(directory, { recursive: true, force: true });
});

function decode(content: string | Uint8Array): Uint8Array[] {
	const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
	return decodeCertificates(bytes, "test input");
}

describe("decodeCertificates input forms", () => {
	it.each([
		["PEM", () => leaf.pem],
		["PEM with CRLF line ends", () => leaf.pem.replaceAll("\n", "\r\n")],
		["PEM with trailing spaces", () => leaf.pem.replaceAll("\n", "   \n")],
		[
			"PEM with text before and after",
			() => `subject=CN=svc-billing\n${leaf.pem}\ntrailing note\n`,
		],
		["percent-encoded PEM, every special character", () => percentEncodeAll(leaf.pem)],
		["percent-encoded PEM, + kept", () => percentEncodeWhitespace(leaf.pem)],
	])("decodes %s to the DER", (_name, content) => {
		const [der] = decode(content());
		expect(Buffer.from(der as Uint8Array).equals(Buffer.from(leaf.der))).toBe(true);
	});

	it("decodes DER as is", () => {
		const [der] = decode(leaf.der);
		expect(Buffer.from(der as Uint8Array).equals(Buffer.from(leaf.der))).toBe(true);
	});

	it("keeps + in percent-encoded PEM", () => {
		// Form decoding would turn each + of the base64 into a space.
		const encoded = percentEncodeWhitespace(leaf.pem);
		expect(encoded).toContain("%0A");
		const [der] = decode(encoded);
		expect(Buffer.from(der as Uint8Array).equals(Buffer.from(leaf.der))).toBe(true);
	});

	it("returns every certificate of a chain file", () => {
		expect(decode(`${leaf.pem}${ca.pem}`)).toHaveLength(2);
	});
});

describe("decodeCertificates rejections", () => {
	it("rejects a PKCS #8 PEM private key", async () => {
		const pem = await pkcs8Pem(leaf.keys);
		expect(() => decode(pem)).toThrow(
			/contains a private key \(-----BEGIN PRIVATE KEY-----\); it was not read further/,
		);
	});

	it("rejects a private key next to a certificate", async () => {
		const pem = `${leaf.pem}${await pkcs8Pem(leaf.keys)}`;
		expect(() => decode(pem)).toThrow(/contains a private key/);
	});

	it.each(["RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "OPENSSH PRIVATE KEY"])(
		"rejects a %s PEM block by its label",
		(label) => {
			const pem = `-----BEGIN ${label}-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END ${label}-----\n`;
			expect(() => decode(pem)).toThrow(`contains a private key (-----BEGIN ${label}-----)`);
		},
	);

	it("rejects a DER PKCS #8 private key", async () => {
		const der = await pkcs8Der(leaf.keys);
		expect(() => decode(der)).toThrow(/contains a private key \(DER, PKCS #8\)/);
	});

	it("rejects a PKCS #12 file", () => {
		// SEQUENCE { INTEGER 3, SEQUENCE {} }: the outline of a PFX.
		const der = new Uint8Array([0x30, 0x05, 0x02, 0x01, 0x03, 0x30, 0x00]);
		expect(() => decode(der)).toThrow(/is a PKCS #12 file, which usually contains a private key/);
	});

	it("rejects a percent-encoded private key", async () => {
		const encoded = percentEncodeAll(await pkcs8Pem(leaf.keys));
		expect(() => decode(encoded)).toThrow(/contains a private key/);
	});

	it.each([
		["empty input", "", /is empty/],
		["whitespace only", " \n\r\n", /is empty/],
		["garbage text", "hello, this is not a certificate\n", /neither a PEM nor a DER certificate/],
		[
			"garbage bytes",
			new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01]),
			/neither a PEM nor a DER certificate/,
		],
		[
			"a CSR",
			"-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
			/"CERTIFICATE REQUEST" but no "CERTIFICATE" PEM block/,
		],
		[
			"a BEGIN line without END",
			"-----BEGIN CERTIFICATE-----\nAAAA\n",
			/BEGIN line without its matching END line/,
		],
		[
			"invalid base64",
			"-----BEGIN CERTIFICATE-----\nA*AA\n-----END CERTIFICATE-----\n",
			/invalid base64/,
		],
		["a bad percent escape", "-----BEGIN%20CERTIFICATE-----%0AAAAA%E0%A4%A\n", /invalid % escape/],
	])("rejects %s", (_name, content, message) => {
		expect(() => decode(content)).toThrow(UserError);
		expect(() => decode(content)).toThrow(message);
	});

	it("rejects DER with trailing bytes", () => {
		const der = new Uint8Array([...leaf.der, 0x00, 0x00]);
		expect(() => decode(der)).toThrow("has data after its DER certificate");
	});

	it("rejects DER that is not a certificate", () => {
		// SEQUENCE { SEQUENCE {}, BIT STRING } parses as DER but not as X.509.
		const der = new Uint8Array([0x30, 0x05, 0x30, 0x00, 0x03, 0x01, 0x00]);
		const [element] = decode(der);
		expect(() => parseCertificate(element as Uint8Array, "test input")).toThrow(
			/does not contain a valid X.509 certificate/,
		);
	});
});

describe("readCertificateFile", () => {
	it("rejects a chain file without --leaf-first", async () => {
		const path = await writeFixture(directory, "chain.pem", `${leaf.pem}${ca.pem}`);
		await expect(readCertificateFile(path, { leafFirst: false })).rejects.toThrow(
			/contains 2 certificates; pass --leaf-first/,
		);
	});

	it("takes the first certificate with --leaf-first", async () => {
		const path = await writeFixture(directory, "chain-leaf-first.pem", `${leaf.pem}${ca.pem}`);
		const info = await readCertificateFile(path, { leafFirst: true });
		expect(info.fingerprint).toBe(expectedFingerprint);
	});

	it("reports a missing file by name", async () => {
		await expect(
			readCertificateFile(`${directory}/missing.pem`, { leafFirst: false }),
		).rejects.toThrow(/cannot read certificate file .*missing\.pem: ENOENT/);
	});
});

describe("parseCertificate fields", () => {
	it("copies the serial with its leading 00", () => {
		expect(parseCertificate(leaf.der, "leaf").serial).toBe("00936EACBE07F201DF");
	});

	it("matches Node's serial as an unsigned integer", () => {
		const info = parseCertificate(leaf.der, "leaf");
		expect(normalizeSerial(info.serial)).toBe(
			normalizeSerial(new X509Certificate(leaf.der).serialNumber),
		);
	});

	it("formats the issuer DN like openssl -nameopt RFC2253", () => {
		expect(parseCertificate(leaf.der, "leaf").issuerDN).toBe(CA_NAME_RFC2253);
	});

	it("formats the subject DN", () => {
		expect(parseCertificate(leaf.der, "leaf").subjectDN).toBe("CN=svc-billing");
	});

	it("reads the issuer key identifier, equal to the CA's SKI", () => {
		const info = parseCertificate(leaf.der, "leaf");
		expect(info.issuerKeyIdentifier).toBe(subjectKeyIdentifierOf(ca.der).toUpperCase());
	});

	it("has no issuer key identifier without the extension", async () => {
		const bare = await createLeaf(ca, {
			commonName: "svc-no-aki",
			serialNumber: "0b",
			notBefore: VALID_FROM,
			notAfter: VALID_TO,
			withoutAuthorityKeyIdentifier: true,
		});
		expect(parseCertificate(bare.der, "bare").issuerKeyIdentifier).toBeUndefined();
	});

	it("reads the validity period", () => {
		const info = parseCertificate(leaf.der, "leaf");
		expect(info.notBefore.toISOString()).toBe(VALID_FROM.toISOString());
		expect(info.notAfter.toISOString()).toBe(VALID_TO.toISOString());
	});
});

describe("checkValidity", () => {
	it.each([
		["at notBefore", VALID_FROM],
		["at notAfter", VALID_TO],
		["in between", new Date("2030-06-01T00:00:00Z")],
	])("accepts the time %s", (_name, now) => {
		expect(() => checkValidity(parseCertificate(leaf.der, "leaf"), now, "leaf.pem")).not.toThrow();
	});

	it("rejects an expired certificate with both dates", () => {
		const check = () =>
			checkValidity(
				parseCertificate(leaf.der, "leaf"),
				new Date("2039-01-01T00:00:01Z"),
				"leaf.pem",
			);
		expect(check).toThrow(
			"leaf.pem has expired (valid from 2020-01-01T00:00:00Z to 2039-01-01T00:00:00Z)",
		);
		expect(check).toThrow(/pass --force/);
	});

	it("rejects a certificate that is not yet valid", () => {
		const check = () =>
			checkValidity(
				parseCertificate(leaf.der, "leaf"),
				new Date("2019-12-31T23:59:59Z"),
				"leaf.pem",
			);
		expect(check).toThrow(
			"leaf.pem is not yet valid (valid from 2020-01-01T00:00:00Z to 2039-01-01T00:00:00Z)",
		);
	});
});

describe.skipIf(!HAS_OPENSSL)("against openssl x509", () => {
	let pemPath: string;
	let derPath: string;
	let percentPath: string;

	beforeAll(async () => {
		pemPath = await writeFixture(directory, "leaf.pem", leaf.pem);
		derPath = await writeFixture(directory, "leaf.der", leaf.der);
		percentPath = await writeFixture(directory, "leaf.pem.url", percentEncodeAll(leaf.pem));
	});

	function opensslFingerprint(path: string, inform: "PEM" | "DER"): string {
		const output = opensslX509(path, inform, ["-fingerprint", "-sha256"]);
		return (output.split("=")[1] as string).replaceAll(":", "").toLowerCase();
	}

	it("fingerprint of PEM equals openssl's, lowercased without colons", async () => {
		const info = await readCertificateFile(pemPath, { leafFirst: false });
		expect(info.fingerprint).toBe(opensslFingerprint(pemPath, "PEM"));
	});

	it("fingerprint of DER equals openssl's", async () => {
		const info = await readCertificateFile(derPath, { leafFirst: false });
		expect(info.fingerprint).toBe(opensslFingerprint(derPath, "DER"));
	});

	it("fingerprint of percent-encoded PEM equals openssl's of the PEM", async () => {
		const info = await readCertificateFile(percentPath, { leafFirst: false });
		expect(info.fingerprint).toBe(opensslFingerprint(pemPath, "PEM"));
	});

	it("issuer DN equals openssl's RFC 2253 output", async () => {
		const info = await readCertificateFile(pemPath, { leafFirst: false });
		expect(`issuer=${info.issuerDN}`).toBe(
			opensslX509(pemPath, "PEM", ["-issuer", "-nameopt", "RFC2253"]),
		);
	});

	it("serial equals openssl's as an unsigned integer", async () => {
		const info = await readCertificateFile(pemPath, { leafFirst: false });
		const serial = opensslX509(pemPath, "PEM", ["-serial"]).replace("serial=", "");
		expect(normalizeSerial(info.serial)).toBe(normalizeSerial(serial));
	});

	it("issuer key identifier equals openssl's authority key identifier", async () => {
		const info = await readCertificateFile(pemPath, { leafFirst: false });
		const output = opensslX509(pemPath, "PEM", ["-ext", "authorityKeyIdentifier"]);
		const hex = (output.split("\n")[1] as string)
			.trim()
			.replace(/^keyid:/, "")
			.replaceAll(":", "");
		expect(info.issuerKeyIdentifier).toBe(hex);
	});
});
