/**
 * Reads the certificate fields that Node's X509Certificate does not expose in
 * Cloudflare's formats: the raw serial, the issuer and subject names in RFC
 * 2253 form, and the authority key identifier.
 *
 * Structure (RFC 5280, section 4.1): Certificate ::= SEQUENCE { tbsCertificate,
 * signatureAlgorithm, signature }, and TBSCertificate ::= SEQUENCE { [0]
 * version OPTIONAL, serialNumber, signature, issuer, validity, subject,
 * subjectPublicKeyInfo, [1] [2] unique ids OPTIONAL, [3] extensions OPTIONAL }.
 */

import { formatNameRfc2253 } from "../dev/x509/distinguished-name.ts";
import {
	contentOf,
	type DerElement,
	DerError,
	decodeObjectIdentifier,
	encodingOf,
	expectConstructed,
	readChildren,
	readElement,
	TAG_CONTEXT_0_CONSTRUCTED,
	TAG_CONTEXT_0_PRIMITIVE,
	TAG_CONTEXT_3_CONSTRUCTED,
	TAG_INTEGER,
	TAG_OBJECT_IDENTIFIER,
	TAG_OCTET_STRING,
	TAG_SEQUENCE,
	toUpperHex,
} from "./der.ts";

const AUTHORITY_KEY_IDENTIFIER = "2.5.29.35";

export interface CertificateFields {
	readonly serial: string;
	readonly issuerDN: string;
	readonly subjectDN: string;
	readonly authorityKeyIdentifier: string | undefined;
}

export function readCertificateFields(der: Uint8Array): CertificateFields {
	const certificate = readElement(der, 0);
	const [tbs] = expectConstructed(der, certificate, TAG_SEQUENCE, "a Certificate (SEQUENCE)");
	const fields = expectConstructed(der, tbs, TAG_SEQUENCE, "a TBSCertificate (SEQUENCE)");

	// Skip the optional explicit version.
	const start = fields[0]?.tag === TAG_CONTEXT_0_CONSTRUCTED ? 1 : 0;
	const serial = fields[start];
	const issuer = fields[start + 2];
	const subject = fields[start + 4];

	if (serial?.tag !== TAG_INTEGER || issuer === undefined || subject === undefined) {
		throw new DerError("expected serial number, issuer and subject");
	}

	const extensions = fields.find((field) => field.tag === TAG_CONTEXT_3_CONSTRUCTED);

	return {
		serial: toUpperHex(contentOf(der, serial)),
		issuerDN: formatNameRfc2253(encodingOf(der, issuer)),
		subjectDN: formatNameRfc2253(encodingOf(der, subject)),
		authorityKeyIdentifier:
			extensions === undefined ? undefined : readAuthorityKeyIdentifier(der, extensions),
	};
}

/** Returns the keyIdentifier of the Authority Key Identifier extension, if present. */
function readAuthorityKeyIdentifier(der: Uint8Array, wrapper: DerElement): string | undefined {
	const [list] = readChildren(der, wrapper);
	const extensions = expectConstructed(der, list, TAG_SEQUENCE, "Extensions (SEQUENCE)");

	for (const extension of extensions) {
		const parts = expectConstructed(der, extension, TAG_SEQUENCE, "an Extension (SEQUENCE)");
		const id = parts[0];
		const value = parts[parts.length - 1];
		if (id?.tag !== TAG_OBJECT_IDENTIFIER || value?.tag !== TAG_OCTET_STRING) {
			throw new DerError("expected an extension id and value");
		}
		if (decodeObjectIdentifier(contentOf(der, id)) !== AUTHORITY_KEY_IDENTIFIER) {
			continue;
		}

		// The OCTET STRING wraps AuthorityKeyIdentifier ::= SEQUENCE { [0] keyIdentifier OPTIONAL, … }.
		const inner = contentOf(der, value);
		const sequence = readElement(inner, 0);
		const keyIdentifier = readChildren(inner, sequence).find(
			(part) => part.tag === TAG_CONTEXT_0_PRIMITIVE,
		);
		return keyIdentifier === undefined ? undefined : toUpperHex(contentOf(inner, keyIdentifier));
	}

	return undefined;
}
