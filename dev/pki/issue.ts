/**
 * Key and certificate creation with @peculiar/x509 on Node's WebCrypto, so the
 * dev PKI needs no `openssl` binary on any OS.
 */
import { webcrypto } from "node:crypto";
import * as x509 from "./x509.ts";

type CryptoKeyPair = webcrypto.CryptoKeyPair;
type SigningAlgorithm = webcrypto.Algorithm | webcrypto.EcdsaParams;

export type KeyType = "ec" | "rsa";

/** Attribute values of one RDN; several keys make a multi-valued RDN. */
export type RdnSpec = Record<string, string | StringValue>;

/** An attribute value with an explicit ASN.1 string type. */
export interface StringValue {
	type: "utf8String" | "printableString" | "bmpString" | "ia5String";
	value: string;
}

/** Certificate order: least specific RDN first, as in the DER encoding. */
export type NameSpec = readonly RdnSpec[];

export interface KeyPair {
	keys: CryptoKeyPair;
	type: KeyType;
}

export interface IssuedCertificate {
	certificate: x509.X509Certificate;
	key: KeyPair;
}

export interface Validity {
	notBefore: Date;
	notAfter: Date;
}

const EC_KEY: webcrypto.EcKeyGenParams = { name: "ECDSA", namedCurve: "P-256" };
const EC_SIGNING: webcrypto.EcdsaParams = { name: "ECDSA", hash: "SHA-256" };
const RSA_KEY: webcrypto.RsaHashedKeyGenParams = {
	name: "RSASSA-PKCS1-v1_5",
	modulusLength: 2048,
	publicExponent: new Uint8Array([1, 0, 1]),
	hash: "SHA-256",
};

export async function generateKeyPair(type: KeyType): Promise<KeyPair> {
	const algorithm = type === "ec" ? EC_KEY : RSA_KEY;
	const keys = (await webcrypto.subtle.generateKey(algorithm, true, [
		"sign",
		"verify",
	])) as CryptoKeyPair;
	return { keys, type };
}

/** Exports a private key as PKCS #8 PEM, which curl, OpenSSL and Node all read. */
export async function exportPrivateKeyPem(key: KeyPair): Promise<string> {
	const der = await webcrypto.subtle.exportKey("pkcs8", key.keys.privateKey);
	return `${x509.PemConverter.encode(der, "PRIVATE KEY")}\n`;
}

/** PEM with a final newline, so files can be concatenated into a chain. */
export function toPem(certificate: x509.X509Certificate): string {
	return `${certificate.toString("pem")}\n`;
}

/** PEM under the `X509 CRL` label that OpenSSL and Node expect. */
export function crlToPem(crl: x509.X509Crl): string {
	return `${x509.PemConverter.encode(crl.rawData, "X509 CRL")}\n`;
}

/**
 * Creates a self-signed root CA. `pathLength` 1 lets the client CA sign one
 * level of intermediates, which the chained dev certificate uses.
 */
export async function createRootCa(name: NameSpec, validity: Validity): Promise<IssuedCertificate> {
	const key = await generateKeyPair("ec");
	const certificate = await x509.X509CertificateGenerator.createSelfSigned({
		serialNumber: randomSerial(),
		name: toX509Name(name),
		...validity,
		keys: key.keys,
		signingAlgorithm: EC_SIGNING,
		extensions: [
			new x509.BasicConstraintsExtension(true, 1, true),
			new x509.KeyUsagesExtension(
				x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
				true,
			),
			await x509.SubjectKeyIdentifierExtension.create(key.keys.publicKey),
		],
	});
	return { certificate, key };
}

/** Creates an intermediate CA signed by `issuer`. */
export async function createIntermediateCa(
	name: NameSpec,
	validity: Validity,
	issuer: IssuedCertificate,
): Promise<IssuedCertificate> {
	const key = await generateKeyPair("ec");
	const certificate = await x509.X509CertificateGenerator.create({
		serialNumber: randomSerial(),
		subject: toX509Name(name),
		issuer: issuer.certificate.subjectName,
		...validity,
		publicKey: key.keys.publicKey,
		signingKey: issuer.key.keys.privateKey,
		signingAlgorithm: signingAlgorithm(issuer.key),
		extensions: [
			new x509.BasicConstraintsExtension(true, 0, true),
			new x509.KeyUsagesExtension(
				x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
				true,
			),
			await x509.SubjectKeyIdentifierExtension.create(key.keys.publicKey),
			await x509.AuthorityKeyIdentifierExtension.create(issuer.key.keys.publicKey),
		],
	});
	return { certificate, key };
}

export interface LeafOptions {
	name: NameSpec;
	validity: Validity;
	keyType: KeyType;
	usage: "client" | "server";
	/** Subject alternative names of a server certificate. */
	dnsNames?: readonly string[];
	ipAddresses?: readonly string[];
	/** Omitted: the leaf is self-signed. */
	issuer?: IssuedCertificate;
	/** Hex serial; random when omitted. */
	serialNumber?: string;
}

/** Creates an end-entity certificate for TLS client or server authentication. */
export async function createLeaf(options: LeafOptions): Promise<IssuedCertificate> {
	const key = await generateKeyPair(options.keyType);
	const extendedUsage =
		options.usage === "client"
			? x509.ExtendedKeyUsage.clientAuth
			: x509.ExtendedKeyUsage.serverAuth;
	const keyUsage =
		key.type === "rsa"
			? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment
			: x509.KeyUsageFlags.digitalSignature;

	const extensions: x509.Extension[] = [
		new x509.BasicConstraintsExtension(false, undefined, true),
		new x509.KeyUsagesExtension(keyUsage, true),
		new x509.ExtendedKeyUsageExtension([extendedUsage]),
		await x509.SubjectKeyIdentifierExtension.create(key.keys.publicKey),
	];

	const alternativeNames = [
		...(options.dnsNames ?? []).map((value) => ({ type: "dns" as const, value })),
		...(options.ipAddresses ?? []).map((value) => ({ type: "ip" as const, value })),
	];
	if (alternativeNames.length > 0) {
		extensions.push(new x509.SubjectAlternativeNameExtension(alternativeNames));
	}

	const issuer = options.issuer;
	const serialNumber = options.serialNumber ?? randomSerial();
	if (issuer === undefined) {
		const certificate = await x509.X509CertificateGenerator.createSelfSigned({
			serialNumber,
			name: toX509Name(options.name),
			...options.validity,
			keys: key.keys,
			signingAlgorithm: signingAlgorithm(key),
			extensions,
		});
		return { certificate, key };
	}

	extensions.push(await x509.AuthorityKeyIdentifierExtension.create(issuer.key.keys.publicKey));
	const certificate = await x509.X509CertificateGenerator.create({
		serialNumber,
		subject: toX509Name(options.name),
		issuer: issuer.certificate.subjectName,
		...options.validity,
		publicKey: key.keys.publicKey,
		signingKey: issuer.key.keys.privateKey,
		signingAlgorithm: signingAlgorithm(issuer.key),
		extensions,
	});
	return { certificate, key };
}

/** Creates a CRL of `issuer` that lists `revoked`. */
export async function createCrl(
	issuer: IssuedCertificate,
	revoked: readonly x509.X509Certificate[],
	validity: Validity,
): Promise<x509.X509Crl> {
	return x509.X509CrlGenerator.create({
		issuer: issuer.certificate.subjectName,
		thisUpdate: validity.notBefore,
		nextUpdate: validity.notAfter,
		signingKey: issuer.key.keys.privateKey,
		signingAlgorithm: signingAlgorithm(issuer.key),
		entries: revoked.map((certificate) => ({
			serialNumber: certificate.serialNumber,
			revocationDate: validity.notBefore,
			reason: x509.X509CrlReason.keyCompromise,
		})),
		extensions: [await x509.AuthorityKeyIdentifierExtension.create(issuer.key.keys.publicKey)],
	});
}

/**
 * Returns 16 random bytes as hex. The top bit of the first byte is random, so
 * some serials need DER's leading 0x00 pad and some do not, and `certSerial`
 * gets both shapes.
 */
function randomSerial(): string {
	const bytes = webcrypto.getRandomValues(new Uint8Array(16));
	bytes[0] = Math.max(1, bytes[0] ?? 1);
	return Buffer.from(bytes).toString("hex");
}

function signingAlgorithm(key: KeyPair): SigningAlgorithm {
	return key.type === "ec" ? EC_SIGNING : { name: "RSASSA-PKCS1-v1_5" };
}

/**
 * Converts a name spec to @peculiar/x509's JSON form with explicit string
 * types. Plain strings become PrintableString when they fit and UTF8String
 * otherwise; the object form avoids the library's parsing of `#` and quotes.
 */
function toX509Name(name: NameSpec): x509.Name {
	const json = name.map((rdn) => {
		const attributes: Record<string, x509.JsonAttributeObject[]> = {};
		for (const [type, value] of Object.entries(rdn)) {
			attributes[type] = [toAttributeObject(value)];
		}
		return attributes;
	});
	return new x509.Name(json);
}

function toAttributeObject(value: string | StringValue): x509.JsonAttributeObject {
	if (typeof value !== "string") {
		return { [value.type]: value.value };
	}
	return x509.Name.isPrintableString(value) ? { printableString: value } : { utf8String: value };
}
