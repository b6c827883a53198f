/**
 * A minimal DER reader: just enough to walk a certificate's structure, read
 * the issuer name and the authority key identifier, and recognise a private
 * key. It accepts definite lengths only, as DER requires, and throws a
 * `DerError` on a truncated element or an unsupported encoding. Node's
 * X509Certificate remains the validator of the certificate as a whole.
 */

export const TAG_INTEGER = 0x02;
export const TAG_OCTET_STRING = 0x04;
export const TAG_OBJECT_IDENTIFIER = 0x06;
export const TAG_SEQUENCE = 0x30;
export const TAG_SET = 0x31;

/** Context-specific tags used in certificates: `[0]` version, `[3]` extensions, `[0]` key identifier. */
export const TAG_CONTEXT_0_CONSTRUCTED = 0xa0;
export const TAG_CONTEXT_3_CONSTRUCTED = 0xa3;
export const TAG_CONTEXT_0_PRIMITIVE = 0x80;

/** One element: its tag and where its header, content and end are in the buffer. */
export interface DerElement {
	readonly tag: number;
	readonly start: number;
	readonly contentStart: number;
	readonly end: number;
}

export class DerError extends Error {
	override readonly name = "DerError";
}

/** Reads the element that starts at `offset` and must end at or before `limit`. */
export function readElement(bytes: Uint8Array, offset: number, limit = bytes.length): DerElement {
	if (offset + 2 > limit) {
		throw new DerError(`truncated element at byte ${offset}`);
	}

	const tag = bytes[offset] as number;
	// Multi-byte tag numbers never occur in the structures read here.
	if ((tag & 0x1f) === 0x1f) {
		throw new DerError(`unsupported tag at byte ${offset}`);
	}

	const first = bytes[offset + 1] as number;
	let length = first;
	let contentStart = offset + 2;

	if (first === 0x80) {
		throw new DerError(`indefinite length at byte ${offset}, which DER does not allow`);
	}
	if (first > 0x80) {
		// Long form: the low bits give the number of length bytes. Four bytes
		// already allow 4 GiB, far beyond any certificate.
		const count = first & 0x7f;
		if (count > 4 || contentStart + count > limit) {
			throw new DerError(`invalid length at byte ${offset}`);
		}
		length = 0;
		for (let index = 0; index < count; index++) {
			length = length * 256 + (bytes[contentStart + index] as number);
		}
		contentStart += count;
	}

	const end = contentStart + length;
	if (end > limit) {
		throw new DerError(`element at byte ${offset} runs past the end of its container`);
	}

	return { tag, start: offset, contentStart, end };
}

/** Reads every element inside a constructed element, in order. */
export function readChildren(bytes: Uint8Array, parent: DerElement): DerElement[] {
	const children: DerElement[] = [];
	let offset = parent.contentStart;

	while (offset < parent.end) {
		const child = readElement(bytes, offset, parent.end);
		children.push(child);
		offset = child.end;
	}

	return children;
}

/** Returns the content bytes of an element, without its header. */
export function contentOf(bytes: Uint8Array, element: DerElement): Uint8Array {
	return bytes.subarray(element.contentStart, element.end);
}

/** Returns the whole element, header included. */
export function encodingOf(bytes: Uint8Array, element: DerElement): Uint8Array {
	return bytes.subarray(element.start, element.end);
}

/** Decodes an OBJECT IDENTIFIER's content into dotted form, such as `2.5.4.3`. */
export function decodeObjectIdentifier(content: Uint8Array): string {
	if (content.length === 0) {
		throw new DerError("empty object identifier");
	}

	const arcs: bigint[] = [];
	let value = 0n;
	for (const byte of content) {
		value = (value << 7n) | BigInt(byte & 0x7f);
		if ((byte & 0x80) === 0) {
			arcs.push(value);
			value = 0n;
		}
	}
	if ((content[content.length - 1] as number) & 0x80) {
		throw new DerError("truncated object identifier");
	}

	// The first encoded number packs the first two arcs as 40 * first + second.
	const head = arcs[0] as bigint;
	const first = head < 80n ? head / 40n : 2n;
	const second = head - first * 40n;
	return [first, second, ...arcs.slice(1)].join(".");
}

/** Returns the children of an element after checking its tag. */
export function expectConstructed(
	bytes: Uint8Array,
	element: DerElement | undefined,
	tag: number,
	what: string,
): DerElement[] {
	if (element === undefined || element.tag !== tag) {
		throw new DerError(`expected ${what}`);
	}
	return readChildren(bytes, element);
}

/** Formats bytes as uppercase hex without separators. */
export function toUpperHex(bytes: Uint8Array): string {
	return Buffer.from(bytes).toString("hex").toUpperCase();
}
