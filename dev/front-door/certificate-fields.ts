/**
 * Reads the fields of one DER certificate that `tlsClientAuth` reports. The
 * serial and the names come from the raw DER (see der.ts); validity and the key
 * identifier extensions come from @peculiar/x509.
 */
import { createHash } from "node:crypto";
import * as x509 from "../pki/x509.ts";
import { readChildren, readElement, TAG_CONTEXT_0_CONSTRUCTED, toUpperHex } from "../x509/der.ts";

export interface CertificateFields {
	der: Uint8Array;
	/** Content octets of the DER INTEGER, so a leading 0x00 pad stays: `00936EACBE07F201DF`. */
	serial: string;
	issuerName: Uint8Array;
	subjectName: Uint8Array;
	notBefore: Date;
	notAfter: Date;
	/** Subject key identifier as uppercase colon hex, or `undefined` without the extension. */
	subjectKeyIdentifier: string | undefined;
	/** keyIdentifier of the authority key identifier extension, uppercase colon hex. */
	authorityKeyIdentifier: string | undefined;
	fingerprintSHA1: string;
	fingerprintSHA256: string;
}

export function readCertificateFields(der: Uint8Array): CertificateFields {
	const tbsCertificate = readChildren(readElement(der))[0];
	if (tbsCertificate === undefined) {
		throw new Error("certificate without TBSCertificate");
	}

	// TBSCertificate: [0] version (optional), serialNumber, signature, issuer, validity, subject, …
	const fields = readChildren(tbsCertificate);
	const start = fields[0]?.tag === TAG_CONTEXT_0_CONSTRUCTED ? 1 : 0;
	const serial = fields[start];
	const issuer = fields[start + 2];
	const subject = fields[start + 4];
	if (serial === undefined || issuer === undefined || subject === undefined) {
		throw new Error("truncated TBSCertificate");
	}

	const parsed = new x509.X509Certificate(der);
	const subjectKeyIdentifier = parsed.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
	const authorityKeyIdentifier = parsed.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId;

	return {
		der,
		serial: toUpperHex(serial.contents),
		issuerName: issuer.encoded,
		subjectName: subject.encoded,
		notBefore: parsed.notBefore,
		notAfter: parsed.notAfter,
		subjectKeyIdentifier: toColonHex(subjectKeyIdentifier),
		authorityKeyIdentifier: toColonHex(authorityKeyIdentifier),
		fingerprintSHA1: createHash("sha1").update(der).digest("hex"),
		fingerprintSHA256: createHash("sha256").update(der).digest("hex"),
	};
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * Formats a date as OpenSSL's `ASN1_TIME_print` does, the format of
 * `certNotBefore`/`certNotAfter`: `Jan  5 09:03:07 2027 GMT`, day padded with
 * a space. Certificates carry whole seconds, so no fraction is printed.
 */
export function formatOpensslTime(date: Date): string {
	const pad = (value: number) => String(value).padStart(2, "0");
	const day = String(date.getUTCDate()).padStart(2, " ");
	const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
	return `${MONTHS[date.getUTCMonth()]} ${day} ${time} ${date.getUTCFullYear()} GMT`;
}

/** Uppercase colon hex (`AB:CD:…`), the form of workers-types' `certSKI` example. */
export function toColonHex(hex: string | undefined): string | undefined {
	if (hex === undefined || hex === "") {
		return undefined;
	}
	return (hex.toUpperCase().match(/../g) ?? []).join(":");
}
