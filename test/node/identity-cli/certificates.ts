/**
 * Test certificates for the identity CLI, generated with @peculiar/x509 into a
 * temporary directory: a CA, leaves signed by it, a chain file, private keys
 * in several encodings, and the other inputs the CLI must read or reject.
 */
import "reflect-metadata";
import { execFileSync } from "node:child_process";
import { webcrypto } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto);

const EC_P256 = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

/** An issuer name with each escaping case: comma, plus, multi-valued RDN, non-ASCII, leading `#`, trailing space. */
export const CA_NAME: x509.JsonNameParams = [
	{ C: ["US"] },
	{ O: ["Acme, Inc."] },
	{ "2.5.4.11": [{ utf8String: "Ops+Dev" }], "2.5.4.10": [{ utf8String: "Zürich" }] },
	{ "2.5.4.3": [{ utf8String: "#1 Test CA " }] },
];

/** What `openssl x509 -issuer -nameopt RFC2253` prints for CA_NAME (OpenSSL 3.0). */
export const CA_NAME_RFC2253 =
	"CN=\\#1 Test CA\\ ,O=Z\\C3\\BCrich+OU=Ops\\+Dev,O=Acme\\, Inc.,C=US";

export interface GeneratedCertificate {
	readonly pem: string;
	readonly der: Uint8Array;
	readonly keys: webcrypto.CryptoKeyPair;
}

async function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
	return (await webcrypto.subtle.generateKey(EC_P256, true, [
		"sign",
		"verify",
	])) as webcrypto.CryptoKeyPair;
}

export async function createCa(): Promise<GeneratedCertificate> {
	const keys = await generateKeys();
	const certificate = await x509.X509CertificateGenerator.createSelfSigned({
		serialNumber: "01",
		name: new x509.Name(CA_NAME),
		notBefore: new Date("2020-01-01T00:00:00Z"),
		notAfter: new Date("2040-01-01T00:00:00Z"),
		keys,
		signingAlgorithm: EC_P256,
		extensions: [
			new x509.BasicConstraintsExtension(true, undefined, true),
			await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
		],
	});
	return { pem: certificate.toString("pem"), der: new Uint8Array(certificate.rawData), keys };
}

export interface LeafOptions {
	readonly commonName: string;
	/** Hex; a first byte of 0x80 or more makes DER add a leading 00. */
	readonly serialNumber: string;
	readonly notBefore: Date;
	readonly notAfter: Date;
	/** Leave out the authority key identifier extension. */
	readonly withoutAuthorityKeyIdentifier?: boolean;
}

export async function createLeaf(
	ca: GeneratedCertificate,
	options: LeafOptions,
): Promise<GeneratedCertificate> {
	const keys = await generateKeys();
	const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(false, undefined, true)];
	if (options.withoutAuthorityKeyIdentifier !== true) {
		extensions.push(await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey));
	}

	const certificate = await x509.X509CertificateGenerator.create({
		serialNumber: options.serialNumber,
		subject: `CN=${options.commonName}`,
		issuer: new x509.X509Certificate(ca.der).subject,
		notBefore: options.notBefore,
		notAfter: options.notAfter,
		signingKey: ca.keys.privateKey,
		publicKey: keys.publicKey,
		signingAlgorithm: EC_P256,
		extensions,
	});
	return { pem: certificate.toString("pem"), der: new Uint8Array(certificate.rawData), keys };
}

/** Returns a certificate's subject key identifier as @peculiar/x509 reads it: lowercase hex. */
export function subjectKeyIdentifierOf(der: Uint8Array): string {
	const extension = new x509.X509Certificate(der).getExtension(x509.SubjectKeyIdentifierExtension);
	if (extension === null) {
		throw new Error("the certificate has no subject key identifier");
	}
	return extension.keyId;
}

export async function pkcs8Pem(keys: webcrypto.CryptoKeyPair): Promise<string> {
	const der = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey);
	return x509.PemConverter.encode(der, "PRIVATE KEY");
}

export async function pkcs8Der(keys: webcrypto.CryptoKeyPair): Promise<Uint8Array> {
	return new Uint8Array(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
}

/** Percent-encodes every character outside [A-Za-z0-9], the most thorough encoding a proxy may apply. */
export function percentEncodeAll(text: string): string {
	return text.replace(
		/[^A-Za-z0-9]/g,
		(character) => `%${character.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
	);
}

/** Percent-encodes spaces and line breaks only, leaving `+`, `/` and `=` as they are. */
export function percentEncodeWhitespace(text: string): string {
	return text.replaceAll(" ", "%20").replaceAll("\n", "%0A");
}

export async function makeTempDir(prefix: string): Promise<string> {
	return await mkdtemp(join(tmpdir(), prefix));
}

export async function writeFixture(
	directory: string,
	name: string,
	content: string | Uint8Array,
): Promise<string> {
	const path = join(directory, name);
	await writeFile(path, content);
	return path;
}

/** `true` when the `openssl` command is installed, so the checks against its output can run. */
export const HAS_OPENSSL = (() => {
	try {
		execFileSync("openssl", ["version"], { stdio: "ignore" });
		return true;
	} catch {
		return false;
	}
})();

/** Runs `openssl x509 -noout` with `args` on a PEM or DER file and returns its output. */
export function opensslX509(path: string, inform: "PEM" | "DER", args: readonly string[]): string {
	return execFileSync("openssl", ["x509", "-in", path, "-inform", inform, "-noout", ...args], {
		encoding: "utf8",
	}).trim();
}
