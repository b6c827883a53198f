/**
 * Formats an X.509 Name the way OpenSSL prints it with `-nameopt RFC2253`,
 * which is the form Cloudflare sends in `certIssuerDNRFC2253`: the last RDN
 * first, `,` between RDNs, `+` inside a multi-valued RDN, short attribute
 * names, and RFC 2253 escaping.
 *
 * A pinned `issuerDN` must equal Cloudflare's string exactly, so this mirrors
 * OpenSSL's choices where RFC 2253 leaves room. Every byte of a non-ASCII
 * character is escaped as `\XX`, and so is a control character. An attribute
 * without a short name is printed as its dotted OID, `#` and the hex DER.
 */
import {
	contentOf,
	type DerElement,
	DerError,
	decodeObjectIdentifier,
	encodingOf,
	expectConstructed,
	TAG_OBJECT_IDENTIFIER,
	TAG_SEQUENCE,
	TAG_SET,
	toUpperHex,
} from "./der.ts";

// OpenSSL's short names for the attributes seen in certificate names.
// NOTE: an attribute missing here is printed as `OID=#HEX`, while OpenSSL may
// know a short name for it; pin such an issuer with care.
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

// String types and how many bytes encode one character. OpenSSL dumps any
// other type as `#` and hex, like an unknown attribute.
const CHARACTER_WIDTHS: Readonly<Record<number, "utf8" | 1 | 2 | 4>> = {
	12: "utf8", // UTF8String
	18: 1, // NumericString
	19: 1, // PrintableString
	20: 1, // T61String, read as Latin-1 like OpenSSL does
	22: 1, // IA5String
	26: 1, // VisibleString
	28: 4, // UniversalString
	30: 2, // BMPString
};

// Characters that RFC 2253 escapes with a backslash anywhere in a value.
const SPECIAL_CHARACTERS = new Set([",", "+", '"', "\\", "<", ">", ";"]);

interface AttributeValue {
	readonly rdnIndex: number;
	readonly text: string;
}

/** Formats the DER-encoded Name `name` (a SEQUENCE of SETs) in OpenSSL's RFC 2253 form. */
export function formatNameRfc2253(bytes: Uint8Array, name: DerElement): string {
	const attributes: AttributeValue[] = [];
	const rdns = expectConstructed(bytes, name, TAG_SEQUENCE, "a Name (SEQUENCE)");

	for (const [rdnIndex, rdn] of rdns.entries()) {
		for (const pair of expectConstructed(
			bytes,
			rdn,
			TAG_SET,
			"a relative distinguished name (SET)",
		)) {
			attributes.push({ rdnIndex, text: formatAttribute(bytes, pair) });
		}
	}

	// OpenSSL reverses the flat list of attributes, so the members of a
	// multi-valued RDN come out in reverse order too.
	attributes.reverse();

	let output = "";
	for (const [position, attribute] of attributes.entries()) {
		if (position > 0) {
			const previous = attributes[position - 1] as AttributeValue;
			output += previous.rdnIndex === attribute.rdnIndex ? "+" : ",";
		}
		output += attribute.text;
	}
	return output;
}

function formatAttribute(bytes: Uint8Array, pair: DerElement): string {
	const [type, value] = expectConstructed(bytes, pair, TAG_SEQUENCE, "an attribute (SEQUENCE)");
	if (type === undefined || type.tag !== TAG_OBJECT_IDENTIFIER || value === undefined) {
		throw new DerError("expected an attribute type and value");
	}

	const oid = decodeObjectIdentifier(contentOf(bytes, type));
	const shortName = SHORT_NAMES[oid];
	const width = CHARACTER_WIDTHS[value.tag];

	if (shortName === undefined || width === undefined) {
		return `${shortName ?? oid}=#${toUpperHex(encodingOf(bytes, value))}`;
	}

	const characters = decodeCharacters(contentOf(bytes, value), width);
	return `${shortName}=${escapeValue(characters)}`;
}

function decodeCharacters(content: Uint8Array, width: "utf8" | 1 | 2 | 4): number[] {
	if (width === "utf8") {
		const text = new TextDecoder("utf-8", { fatal: true }).decode(content);
		return Array.from(text, (character) => character.codePointAt(0) as number);
	}

	if (content.length % width !== 0) {
		throw new DerError("string length is not a multiple of its character width");
	}

	const codePoints: number[] = [];
	for (let offset = 0; offset < content.length; offset += width) {
		let codePoint = 0;
		for (let index = 0; index < width; index++) {
			codePoint = codePoint * 256 + (content[offset + index] as number);
		}
		codePoints.push(codePoint);
	}
	return codePoints;
}

/** Escapes one value: specials with a backslash, control and non-ASCII bytes as `\XX`. */
function escapeValue(codePoints: readonly number[]): string {
	let output = "";

	for (const [index, codePoint] of codePoints.entries()) {
		if (codePoint > 0x7f) {
			// Every byte of the UTF-8 encoding is escaped on its own.
			for (const byte of new TextEncoder().encode(String.fromCodePoint(codePoint))) {
				output += `\\${byte.toString(16).toUpperCase().padStart(2, "0")}`;
			}
			continue;
		}

		const character = String.fromCharCode(codePoint);
		const isFirst = index === 0;
		const isLast = index === codePoints.length - 1;

		if (codePoint < 0x20 || codePoint === 0x7f) {
			output += `\\${codePoint.toString(16).toUpperCase().padStart(2, "0")}`;
		} else if (
			SPECIAL_CHARACTERS.has(character) ||
			(isFirst && (character === "#" || character === " ")) ||
			(isLast && character === " ")
		) {
			output += `\\${character}`;
		} else {
			output += character;
		}
	}

	return output;
}
