/**
 * Recognises private keys given by mistake where a certificate was expected,
 * so the CLI can stop before it parses, prints or copies any of the key.
 */
import {
	contentOf,
	DerError,
	decodeObjectIdentifier,
	readChildren,
	readElement,
	TAG_INTEGER,
	TAG_OBJECT_IDENTIFIER,
	TAG_OCTET_STRING,
	TAG_SEQUENCE,
} from "./der.ts";

/**
 * Any PEM private key label: `PRIVATE KEY` (PKCS #8), `ENCRYPTED PRIVATE KEY`,
 * `RSA PRIVATE KEY`, `EC PRIVATE KEY`, `DSA PRIVATE KEY`, `OPENSSH PRIVATE KEY`.
 */
export const PRIVATE_KEY_PEM_LABEL = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

// Password-based encryption schemes that wrap an encrypted PKCS #8 key:
// PBES2 (RFC 8018) and the PKCS #12 PBE algorithms.
const PBES2 = "1.2.840.113549.1.5.13";
const PKCS12_PBE_PREFIX = "1.2.840.113549.1.12.1.";

/**
 * Returns the kind of private key that a DER element encodes, or `undefined`
 * when it does not look like one. A certificate starts with a SEQUENCE (the
 * TBSCertificate); every unencrypted key format starts with a version INTEGER.
 */
export function describePrivateKeyDer(der: Uint8Array): string | undefined {
	try {
		const outer = readElement(der, 0);
		if (outer.tag !== TAG_SEQUENCE) {
			return undefined;
		}

		const [first, second] = readChildren(der, outer);
		if (first === undefined || second === undefined) {
			return undefined;
		}

		if (first.tag === TAG_INTEGER) {
			// A PKCS #12 file (version 3) usually carries the private key with the certificate.
			const version = contentOf(der, first);
			if (version.length === 1 && version[0] === 3 && second.tag === TAG_SEQUENCE)
				return "PKCS #12";
			if (second.tag === TAG_SEQUENCE) return "PKCS #8";
			if (second.tag === TAG_INTEGER) return "PKCS #1 RSA";
			if (second.tag === TAG_OCTET_STRING) return "SEC 1 EC";
			return undefined;
		}

		if (first.tag === TAG_SEQUENCE && second.tag === TAG_OCTET_STRING) {
			const [algorithm] = readChildren(der, first);
			if (algorithm?.tag === TAG_OBJECT_IDENTIFIER) {
				const oid = decodeObjectIdentifier(contentOf(der, algorithm));
				if (oid === PBES2 || oid.startsWith(PKCS12_PBE_PREFIX)) {
					return "encrypted PKCS #8";
				}
			}
		}
		return undefined;
	} catch (error) {
		if (error instanceof DerError) {
			return undefined;
		}
		throw error;
	}
}
