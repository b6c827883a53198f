import { X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	MAX_RFC9440_CHAIN_BYTES,
	MAX_RFC9440_LEAF_BYTES,
	PLACEHOLDER_TLS_CLIENT_AUTH,
	type TlsClientAuth,
	tlsClientAuthFor,
} from "../../../dev/front-door/tls-client-auth.ts";
import { certVerifiedFor } from "../../../dev/front-door/verification.ts";
import { loadDevIdentities } from "../../../dev/identities.ts";
import { createLeaf, createRootCa } from "../../../dev/pki/issue.ts";
import { OPENSSL_AVAILABLE, opensslExtension, opensslX509Field } from "../support/openssl.ts";
import { cloudflareFingerprint, createTestPki, type TestPki } from "../support/pki.ts";

const identities = loadDevIdentities();
const certificateNames = [
	...identities.identities.map((identity) => identity.certificate),
	...identities.unregisteredCertificates.map((certificate) => certificate.certificate),
];

let pki: TestPki;
const mapped = new Map<string, TlsClientAuth>();

/** Returns the CA that issued a profile's leaf, as the front door would find it. */
async function issuerOf(name: string, leaf: X509Certificate): Promise<X509Certificate> {
	const [, intermediate] = await pki.chain(name);
	if (intermediate !== undefined) {
		return intermediate;
	}
	// checkIssued(leaf) is false here: a self-signed leaf lacks the keyCertSign usage.
	if (leaf.subject === leaf.issuer && leaf.verify(leaf.publicKey)) {
		return leaf;
	}
	const clientCa = new X509Certificate(await readFile(pki.layout.clientCa));
	return leaf.checkIssued(clientCa)
		? clientCa
		: new X509Certificate(await readFile(pki.layout.untrustedCa));
}

beforeAll(async () => {
	pki = await createTestPki();

	for (const name of certificateNames) {
		const [leaf, ...intermediates] = await pki.chain(name);
		if (leaf === undefined) {
			throw new Error(`no certificate for ${name}`);
		}
		const issuer = await issuerOf(name, leaf);
		mapped.set(
			name,
			tlsClientAuthFor({
				leaf: new Uint8Array(leaf.raw),
				intermediates: intermediates.map((certificate) => new Uint8Array(certificate.raw)),
				issuer: new Uint8Array(issuer.raw),
				verificationError: undefined,
				revoked: false,
			}),
		);
	}
});

afterAll(async () => {
	await pki.remove();
});

function mappedFor(name: string): TlsClientAuth {
	const value = mapped.get(name);
	if (value === undefined) {
		throw new Error(`no mapping for ${name}`);
	}
	return value;
}

describe("tlsClientAuthFor compared with Node's X509Certificate", () => {
	it.each(certificateNames)("%s: fingerprints", async (name) => {
		const leaf = await pki.leaf(name);
		const fields = mappedFor(name);

		expect(fields.certFingerprintSHA256).toBe(cloudflareFingerprint(leaf.fingerprint256));
		expect(fields.certFingerprintSHA256).toMatch(/^[0-9a-f]{64}$/);
		expect(fields.certFingerprintSHA1).toBe(cloudflareFingerprint(leaf.fingerprint));
		expect(fields.certFingerprintSHA1).toMatch(/^[0-9a-f]{40}$/);
	});

	it.each(certificateNames)("%s: validity in OpenSSL time format", async (name) => {
		const leaf = await pki.leaf(name);
		const fields = mappedFor(name);

		// Node prints validity with OpenSSL's ASN1_TIME_print, the format Cloudflare uses.
		expect(fields.certNotBefore).toBe(leaf.validFrom);
		expect(fields.certNotAfter).toBe(leaf.validTo);
		expect(fields.certNotBefore).toMatch(/^[A-Z][a-z]{2} [ 1-3]\d \d{2}:\d{2}:\d{2} \d{4} GMT$/);
	});

	it.each(certificateNames)("%s: serial keeps DER padding", async (name) => {
		const leaf = await pki.leaf(name);
		const fields = mappedFor(name);

		expect(fields.certSerial).toMatch(/^[0-9A-F]+$/);
		expect(fields.certSerial.replace(/^00/, "")).toBe(leaf.serialNumber.toUpperCase());

		const firstByte = Number.parseInt(leaf.serialNumber.slice(0, 2), 16);
		const padded = leaf.serialNumber.length % 2 === 0 && firstByte >= 0x80;
		expect(fields.certSerial.startsWith("00")).toBe(padded);
	});

	it.each(certificateNames)("%s: issuer serial", async (name) => {
		const leaf = await pki.leaf(name);
		const issuer = await issuerOf(name, leaf);
		const fields = mappedFor(name);

		expect(fields.certIssuerSerial.replace(/^00/, "")).toBe(issuer.serialNumber.toUpperCase());
	});

	it.each(certificateNames)("%s: RFC 9440 leaf and chain", async (name) => {
		const [leaf, ...intermediates] = await pki.chain(name);
		const fields = mappedFor(name);

		expect(fields.certRFC9440).toBe(`:${leaf?.raw.toString("base64")}:`);
		expect(fields.certRFC9440TooLarge).toBe(false);
		expect(fields.certChainRFC9440).toBe(
			intermediates.map((certificate) => `:${certificate.raw.toString("base64")}:`).join(","),
		);
		expect(fields.certChainRFC9440TooLarge).toBe(false);
	});

	it.each(certificateNames.filter((name) => name !== "acme-unicode"))(
		"%s: ASCII DNs match Node's subject and issuer",
		async (name) => {
			const leaf = await pki.leaf(name);
			const fields = mappedFor(name);

			// Node lists one attribute per line in certificate order; RFC 2253 reverses it.
			const rfc2253 = (multiline: string) => multiline.split("\n").reverse().join(",");
			expect(fields.certSubjectDNRFC2253).toBe(rfc2253(leaf.subject));
			expect(fields.certIssuerDNRFC2253).toBe(rfc2253(leaf.issuer));
			expect(fields.certSubjectDNLegacy).toBe(`/${leaf.subject.split("\n").join("/")}`);
			expect(fields.certIssuerDNLegacy).toBe(`/${leaf.issuer.split("\n").join("/")}`);
			expect(fields.certSubjectDN).toBe(fields.certSubjectDNRFC2253);
			expect(fields.certIssuerDN).toBe(fields.certIssuerDNRFC2253);
		},
	);

	it.each(certificateNames)("%s: presented and verified flags", (name) => {
		const fields = mappedFor(name);

		expect(fields.certPresented).toBe("1");
		expect(fields.certVerified).toBe("SUCCESS");
		expect(fields.certRevoked).toBe("0");
	});
});

describe.skipIf(!OPENSSL_AVAILABLE)("tlsClientAuthFor compared with openssl x509", () => {
	it.each(certificateNames)("%s: SHA-256 and SHA-1 fingerprints", (name) => {
		const file = pki.certificateFile(name);
		const fields = mappedFor(name);

		const sha256 = opensslX509Field(file, ["-fingerprint", "-sha256"], "sha256 Fingerprint");
		const sha1 = opensslX509Field(file, ["-fingerprint", "-sha1"], "sha1 Fingerprint");
		expect(fields.certFingerprintSHA256).toBe(cloudflareFingerprint(sha256));
		expect(fields.certFingerprintSHA1).toBe(cloudflareFingerprint(sha1));
	});

	it.each(certificateNames)("%s: subject and issuer in RFC 2253 form", (name) => {
		const file = pki.certificateFile(name);
		const fields = mappedFor(name);

		expect(fields.certSubjectDNRFC2253).toBe(
			opensslX509Field(file, ["-subject", "-nameopt", "RFC2253"], "subject"),
		);
		expect(fields.certIssuerDNRFC2253).toBe(
			opensslX509Field(file, ["-issuer", "-nameopt", "RFC2253"], "issuer"),
		);
	});

	it.each(certificateNames)("%s: subject and issuer in legacy form", (name) => {
		const file = pki.certificateFile(name);
		const fields = mappedFor(name);

		expect(fields.certSubjectDNLegacy).toBe(
			opensslX509Field(file, ["-subject", "-nameopt", "compat"], "subject"),
		);
		expect(fields.certIssuerDNLegacy).toBe(
			opensslX509Field(file, ["-issuer", "-nameopt", "compat"], "issuer"),
		);
	});

	it.each(certificateNames)("%s: serial, dates and key identifiers", (name) => {
		const file = pki.certificateFile(name);
		const fields = mappedFor(name);

		expect(fields.certSerial.replace(/^00/, "")).toBe(
			opensslX509Field(file, ["-serial"], "serial"),
		);
		expect(fields.certNotBefore).toBe(opensslX509Field(file, ["-startdate"], "notBefore"));
		expect(fields.certNotAfter).toBe(opensslX509Field(file, ["-enddate"], "notAfter"));
		expect(fields.certSKI).toBe(opensslExtension(file, "subjectKeyIdentifier"));

		const authorityKeyIdentifier = opensslExtension(file, "authorityKeyIdentifier");
		if (authorityKeyIdentifier !== "") {
			expect(fields.certIssuerSKI).toBe(authorityKeyIdentifier);
		}
	});
});

describe("tlsClientAuthFor without a certificate", () => {
	const expectedPlaceholder = {
		certPresented: "0",
		certVerified: "NONE",
		certRevoked: "0",
		certIssuerDN: "",
		certSubjectDN: "",
		certIssuerDNRFC2253: "",
		certSubjectDNRFC2253: "",
		certIssuerDNLegacy: "",
		certSubjectDNLegacy: "",
		certSerial: "",
		certIssuerSerial: "",
		certSKI: "",
		certIssuerSKI: "",
		certFingerprintSHA1: "",
		certFingerprintSHA256: "",
		certNotBefore: "",
		certNotAfter: "",
		certRFC9440: "",
		certRFC9440TooLarge: false,
		certChainRFC9440: "",
		certChainRFC9440TooLarge: false,
	};

	it("returns Cloudflare's placeholder", () => {
		expect(tlsClientAuthFor(undefined)).toStrictEqual(expectedPlaceholder);
	});

	it("treats an empty leaf as no certificate", () => {
		const fields = tlsClientAuthFor({
			leaf: new Uint8Array(),
			intermediates: [],
			issuer: undefined,
			verificationError: "UNABLE_TO_GET_ISSUER_CERT",
			revoked: false,
		});
		expect(fields).toStrictEqual(expectedPlaceholder);
	});

	it("returns a copy the caller cannot use to change the placeholder", () => {
		const fields = tlsClientAuthFor(undefined);
		fields.certPresented = "1";
		expect(PLACEHOLDER_TLS_CLIENT_AUTH.certPresented).toBe("0");
	});
});

describe("tlsClientAuthFor verification and revocation", () => {
	it("reports a revoked certificate as verified and revoked", async () => {
		const leaf = await pki.leaf("revoked");
		const fields = tlsClientAuthFor({
			leaf: new Uint8Array(leaf.raw),
			intermediates: [],
			issuer: undefined,
			verificationError: undefined,
			revoked: true,
		});

		expect(fields.certVerified).toBe("SUCCESS");
		expect(fields.certRevoked).toBe("1");
	});

	it("fills every field of a certificate that failed verification", async () => {
		const leaf = await pki.leaf("expired");
		const fields = tlsClientAuthFor({
			leaf: new Uint8Array(leaf.raw),
			intermediates: [],
			issuer: undefined,
			verificationError: "CERT_HAS_EXPIRED",
			revoked: false,
		});

		expect(fields.certPresented).toBe("1");
		expect(fields.certVerified).toBe("FAILED:certificate has expired");
		expect(fields.certFingerprintSHA256).toBe(cloudflareFingerprint(leaf.fingerprint256));
		expect(fields.certRFC9440).toBe(`:${leaf.raw.toString("base64")}:`);
	});

	it("reports an unknown issuer serial as empty", async () => {
		const leaf = await pki.leaf("untrusted-ca");
		const fields = tlsClientAuthFor({
			leaf: new Uint8Array(leaf.raw),
			intermediates: [],
			issuer: undefined,
			verificationError: "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
			revoked: false,
		});

		expect(fields.certIssuerSerial).toBe("");
		expect(fields.certIssuerSKI).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2})+$/);
	});
});

describe("certVerifiedFor", () => {
	it.each([
		[undefined, "SUCCESS"],
		["DEPTH_ZERO_SELF_SIGNED_CERT", "FAILED:self signed certificate"],
		["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "FAILED:unable to verify the first certificate"],
		["CERT_NOT_YET_VALID", "FAILED:certificate is not yet valid"],
		["CERT_HAS_EXPIRED", "FAILED:certificate has expired"],
		["UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "FAILED:unable to get local issuer certificate"],
		["SELF_SIGNED_CERT_IN_CHAIN", "FAILED"],
		["CERT_SIGNATURE_FAILURE", "FAILED"],
		["", "FAILED"],
		["__proto__", "FAILED"],
	])("maps %s to %s", (code, expected) => {
		expect(certVerifiedFor(code)).toBe(expected);
	});
});

describe("tlsClientAuthFor size limits", () => {
	const now = new Date();
	const validity = {
		notBefore: new Date(now.getTime() - 60_000),
		notAfter: new Date(now.getTime() + 86_400_000),
	};

	it("leaves out a leaf over 10 KiB and sets the flag", async () => {
		const ca = await createRootCa([{ CN: "Size Test CA" }], validity);
		const dnsNames = Array.from({ length: 400 }, (_, i) => `host-${i}.size-test.example`);
		const large = await createLeaf({
			name: [{ CN: "large" }],
			validity,
			keyType: "ec",
			usage: "client",
			dnsNames,
			issuer: ca,
		});
		const der = new Uint8Array(large.certificate.rawData);
		expect(der.length).toBeGreaterThan(MAX_RFC9440_LEAF_BYTES);

		const fields = tlsClientAuthFor({
			leaf: der,
			intermediates: [],
			issuer: undefined,
			verificationError: undefined,
			revoked: false,
		});
		expect(fields.certRFC9440).toBe("");
		expect(fields.certRFC9440TooLarge).toBe(true);
		expect(fields.certFingerprintSHA256).toMatch(/^[0-9a-f]{64}$/);
	});

	it("leaves out a chain over 16 KiB and sets the flag", async () => {
		const leaf = await pki.leaf("acme-writer");
		const intermediate = new Uint8Array(leaf.raw);
		const count = Math.ceil(MAX_RFC9440_CHAIN_BYTES / intermediate.length) + 1;

		const fields = tlsClientAuthFor({
			leaf: new Uint8Array(leaf.raw),
			intermediates: Array.from({ length: count }, () => intermediate),
			issuer: undefined,
			verificationError: undefined,
			revoked: false,
		});
		expect(fields.certChainRFC9440).toBe("");
		expect(fields.certChainRFC9440TooLarge).toBe(true);
		expect(fields.certRFC9440TooLarge).toBe(false);
	});
});
