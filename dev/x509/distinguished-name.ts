/**
 * Formats an X.509 Name (DER) the way Cloudflare's `certSubjectDNRFC2253` and
 * `certSubjectDNLegacy` fields show it. Cloudflare's examples match OpenSSL's
 * two classic printers, so this module reimplements them on the raw bytes:
 *
 * - RFC 2253 form: `X509_NAME_print_ex(..., XN_FLAG_RFC2253)` in OpenSSL 3.0
 *   (crypto/asn1/a_strex.c). The most specific RDN comes first, `,` separates
 *   RDNs and `+` the attributes of a multi-valued RDN. A backslash goes before
 *   `, + " \ < > ;`, before a leading `#` or space and before a trailing
 *   space. Control characters and every UTF-8 byte above 0x7F become `\XX`.
 * - Legacy form: `X509_NAME_oneline` (crypto/x509/x509_obj.c): certificate
 *   order, `/` before every RDN, and `\xXX` for every byte outside 0x20-0x7E.
 *
 * Unit tests compare both forms with `openssl x509 -nameopt RFC2253` and
 * `-nameopt compat` on certificates with specials and non-ASCII text.
 */
import {
	decodeObjectIdentifier,
	readChildren,
	readElement,
	TAG_OBJECT_IDENTIFIER,
	toUpperHex,
} from "./der.ts";

/** One attribute of a Name, with the index of the RDN (SET) that contains it. */
interface NameAttribute {
	rdnIndex: number;
	oid: string;
	valueTag: number;
	value: Uint8Array;
	valueEncoded: Uint8Array;
}

/**
 * OpenSSL's short names for the attribute types seen in client certificates.
 * NOTE: OpenSSL has short names for many more OIDs. For a type missing here,
 * both forms print the dotted OID and the RFC 2253 form dumps the value as `#`
 * and DER hex, where OpenSSL would print its short name and the string.
 */
const SHORT_NAMES: Readonly<Record<string, string>> = {
	"2.5.4.3": "CN",
	"2.5.4.4": "SN",
	"2.5.4.5": "serialNumber",
	"2.5.4.6": "C",
	"2.5.4.7": "L",
	"2.5.4.8": "ST",
	"2.5.4.9": "street",
	"2.5.4.10": "O",
	"2.5.4.11": "OU",
	"2.5.4.12": "title",
	"2.5.4.13": "description",
	"2.5.4.15": "businessCategory",
	"2.5.4.17": "postalCode",
	"2.5.4.41": "name",
	"2.5.4.42": "GN",
	"2.5.4.43": "initials",
	"2.5.4.44": "generationQualifier",
	"2.5.4.46": "dnQualifier",
	"2.5.4.65": "pseudonym",
	"2.5.4.97": "organizationIdentifier",
	"0.9.2342.19200300.100.1.1": "UID",
	"0.9.2342.19200300.100.1.25": "DC",
	"1.2.840.113549.1.9.1": "emailAddress",
	"1.3.6.1.4.1.311.60.2.1.1": "jurisdictionL",
	"1.3.6.1.4.1.311.60.2.1.2": "jurisdictionST",
	"1.3.6.1.4.1.311.60.2.1.3": "jurisdictionC",
};

/**
 * Bytes per character of the ASN.1 string types OpenSSL prints as text
 * (`tag2nbyte` in a_strex.c). 0 is UTF-8; any other tag is dumped as hex.
 */
const CHARACTER_WIDTH_BY_TAG: Readonly<Record<number, number>> = {
	12: 0, // UTF8String
	18: 1, // NumericString
	19: 1, // PrintableString
	20: 1, // T61String, read as Latin-1
	22: 1, // IA5String
	23: 1, // UTCTime
	24: 1, // GeneralizedTime
	26: 1, // VisibleString
	28: 4, // UniversalString
	30: 2, // BMPString
};

/** Characters escaped with a backslash anywhere in an RFC 2253 value. */
const RFC2253_SPECIALS = new Set([",", "+", '"', "\\", "<", ">", ";"]);

/** Formats a DER Name in OpenSSL's RFC 2253 form (most specific RDN first). */
export function formatNameRfc2253(nameDer: Uint8Array): string {
	const attributes = readNameAttributes(nameDer).reverse();
	let output = "";
	let previousRdn: number | undefined;

	for (const attribute of attributes) {
		if (previousRdn !== undefined) {
			output += previousRdn === attribute.rdnIndex ? "+" : ",";
		}
		previousRdn = attribute.rdnIndex;

		const shortName = SHORT_NAMES[attribute.oid];
		const width = CHARACTER_WIDTH_BY_TAG[attribute.valueTag];

		// Unknown attribute types and non-string values are dumped as DER hex.
		if (shortName === undefined || width === undefined) {
			output += `${shortName ?? attribute.oid}=#${toUpperHex(attribute.valueEncoded)}`;
			continue;
		}

		output += `${shortName}=${escapeRfc2253(toUtf8Bytes(attribute.value, width))}`;
	}

	return output;
}

/**
 * Formats a DER Name in OpenSSL's legacy one-line form (`/C=US/O=…/CN=…`), as
 * OpenSSL 3.0.x prints it today: `+` joins the attributes of a multi-valued
 * RDN and a backslash goes before `/` and `+` inside values.
 * NOTE: OpenSSL 1.1 and BoringSSL print neither escape and use `/` inside
 * multi-valued RDNs; which variant Cloudflare's edge uses is not documented.
 */
export function formatNameLegacy(nameDer: Uint8Array): string {
	let output = "";
	let previousRdn: number | undefined;

	for (const attribute of readNameAttributes(nameDer)) {
		const fieldName = SHORT_NAMES[attribute.oid] ?? attribute.oid;
		output += `${previousRdn === attribute.rdnIndex ? "+" : "/"}${fieldName}=`;
		previousRdn = attribute.rdnIndex;

		// X509_NAME_oneline copies the raw content octets, whatever the string type.
		for (const byte of attribute.value) {
			if (byte < 0x20 || byte > 0x7e) {
				output += `\\x${hexByte(byte)}`;
			} else if (byte === 0x2f || byte === 0x2b) {
				output += `\\${String.fromCharCode(byte)}`;
			} else {
				output += String.fromCharCode(byte);
			}
		}
	}

	return output;
}

function readNameAttributes(nameDer: Uint8Array): NameAttribute[] {
	const attributes: NameAttribute[] = [];
	const rdns = readChildren(readElement(nameDer));

	for (const [rdnIndex, rdn] of rdns.entries()) {
		for (const typeAndValue of readChildren(rdn)) {
			const [type, value] = readChildren(typeAndValue);
			if (type === undefined || value === undefined || type.tag !== TAG_OBJECT_IDENTIFIER) {
				throw new Error("invalid AttributeTypeAndValue in Name");
			}

			attributes.push({
				rdnIndex,
				oid: decodeObjectIdentifier(type.contents),
				valueTag: value.tag,
				value: value.contents,
				valueEncoded: value.encoded,
			});
		}
	}

	return attributes;
}

/**
 * Converts string content octets to UTF-8. UTF-8 input is kept byte for byte,
 * as OpenSSL does, so invalid UTF-8 still prints as escaped bytes.
 */
function toUtf8Bytes(value: Uint8Array, width: number): Uint8Array {
	if (width === 0) {
		return value;
	}

	const codePoints: number[] = [];
	for (let i = 0; i + width <= value.length; i += width) {
		let codePoint = 0;
		for (let j = 0; j < width; j++) {
			codePoint = codePoint * 256 + (value[i + j] ?? 0);
		}
		codePoints.push(codePoint);
	}

	return encodeUtf8(codePoints);
}

/** UTF-8 encoding without the replacement of lone surrogates that TextEncoder applies. */
function encodeUtf8(codePoints: readonly number[]): Uint8Array {
	const bytes: number[] = [];

	for (const codePoint of codePoints) {
		if (codePoint < 0x80) {
			bytes.push(codePoint);
		} else if (codePoint < 0x800) {
			bytes.push(0xc0 | (codePoint >> 6), 0x80 | (codePoint & 0x3f));
		} else if (codePoint < 0x10000) {
			bytes.push(
				0xe0 | (codePoint >> 12),
				0x80 | ((codePoint >> 6) & 0x3f),
				0x80 | (codePoint & 0x3f),
			);
		} else {
			bytes.push(
				0xf0 | (codePoint >> 18),
				0x80 | ((codePoint >> 12) & 0x3f),
				0x80 | ((codePoint >> 6) & 0x3f),
				0x80 | (codePoint & 0x3f),
			);
		}
	}

	return Uint8Array.from(bytes);
}

/**
 * Escapes UTF-8 bytes as OpenSSL's `do_esc_char` does with the RFC 2253
 * flags. OpenSSL decides "first" and "last" per input character, and for a
 * one-character value the "last" rule replaces the "first" rule, so a lone `#`
 * stays unescaped.
 */
function escapeRfc2253(bytes: Uint8Array): string {
	let output = "";

	for (const [index, byte] of bytes.entries()) {
		const char = String.fromCharCode(byte);
		const isLast = index === bytes.length - 1;
		const isFirst = index === 0 && !isLast;

		if (byte > 0x7f || byte < 0x20 || byte === 0x7f) {
			output += `\\${hexByte(byte)}`;
		} else if (RFC2253_SPECIALS.has(char)) {
			output += `\\${char}`;
		} else if ((isFirst && (char === "#" || char === " ")) || (isLast && char === " ")) {
			output += `\\${char}`;
		} else {
			output += char;
		}
	}

	return output;
}

function hexByte(byte: number): string {
	return byte.toString(16).toUpperCase().padStart(2, "0");
}
