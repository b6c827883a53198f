/**
 * A minimal DER reader for the parts of a certificate that must be reported
 * byte for byte: the serial number's content octets and the raw attribute
 * values of the issuer and subject names. Parsed libraries decode those into
 * JavaScript strings and numbers, which loses the string type and the padding
 * that Cloudflare's fields expose.
 */

/** One DER element: its tag byte, its content octets and its whole encoding. */
export interface DerElement {
	tag: number;
	contents: Uint8Array;
	encoded: Uint8Array;
}

export const TAG_INTEGER = 0x02;
export const TAG_OBJECT_IDENTIFIER = 0x06;
export const TAG_SEQUENCE = 0x30;
export const TAG_SET = 0x31;
/** `[0] EXPLICIT Version` at the start of a v2 or v3 TBSCertificate. */
export const TAG_CONTEXT_0_CONSTRUCTED = 0xa0;

/** Longer length fields would describe elements of 4 GiB and more, never a certificate. */
const MAX_LENGTH_OCTETS = 4;

/** Reads the element that starts at `offset`; throws on truncated or non-DER input. */
export function readElement(bytes: Uint8Array, offset = 0): DerElement {
	const tag = byteAt(bytes, offset);

	// Multi-byte tags (low five bits all set) never occur in X.509 names or serials.
	if ((tag & 0x1f) === 0x1f) {
		throw new Error(`unsupported multi-byte DER tag at offset ${offset}`);
	}

	const first = byteAt(bytes, offset + 1);
	let length = first;
	let headerLength = 2;

	if (first & 0x80) {
		const octets = first & 0x7f;
		if (octets === 0 || octets > MAX_LENGTH_OCTETS) {
			throw new Error(`invalid DER length at offset ${offset}`);
		}

		length = 0;
		for (let i = 0; i < octets; i++) {
			length = length * 256 + byteAt(bytes, offset + 2 + i);
		}
		headerLength += octets;
	}

	const end = offset + headerLength + length;
	if (end > bytes.length) {
		throw new Error(`truncated DER element at offset ${offset}`);
	}

	return {
		tag,
		contents: bytes.subarray(offset + headerLength, end),
		encoded: bytes.subarray(offset, end),
	};
}

/** Reads the elements inside a constructed element (SEQUENCE, SET or context tag). */
export function readChildren(element: DerElement): DerElement[] {
	const children: DerElement[] = [];
	let offset = 0;

	while (offset < element.contents.length) {
		const child = readElement(element.contents, offset);
		children.push(child);
		offset += child.encoded.length;
	}

	return children;
}

/** Decodes an OBJECT IDENTIFIER's content octets to dotted form, such as `2.5.4.3`. */
export function decodeObjectIdentifier(contents: Uint8Array): string {
	const arcs: bigint[] = [];
	let value = 0n;

	for (const byte of contents) {
		value = (value << 7n) | BigInt(byte & 0x7f);
		if ((byte & 0x80) === 0) {
			arcs.push(value);
			value = 0n;
		}
	}

	const [head, ...rest] = arcs;
	if (head === undefined) {
		throw new Error("empty OBJECT IDENTIFIER");
	}

	// The first encoded arc packs the first two arcs as 40 * first + second (X.690 8.19.4).
	const firstArc = head < 80n ? head / 40n : 2n;
	const secondArc = head - firstArc * 40n;
	return [firstArc, secondArc, ...rest].join(".");
}

/** Uppercase hex without separators, the form of Cloudflare's serial fields. */
export function toUpperHex(bytes: Uint8Array): string {
	return Buffer.from(bytes).toString("hex").toUpperCase();
}

function byteAt(bytes: Uint8Array, index: number): number {
	const value = bytes[index];
	if (value === undefined) {
		throw new Error(`truncated DER input at offset ${index}`);
	}
	return value;
}
