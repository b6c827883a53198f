import { describe, expect, it } from "vitest";
import { decodeObjectIdentifier, readElement } from "../../../dev/x509/der.ts";
import { formatNameLegacy, formatNameRfc2253 } from "../../../dev/x509/distinguished-name.ts";

/** DER of one TLV with a short-form length. */
function tlv(tag: number, contents: readonly number[]): number[] {
	if (contents.length > 127) {
		throw new Error("test helper supports short lengths only");
	}
	return [tag, contents.length, ...contents];
}

const OID = {
	commonName: [0x55, 0x04, 0x03],
	organization: [0x55, 0x04, 0x0a],
	organizationalUnit: [0x55, 0x04, 0x0b],
	country: [0x55, 0x04, 0x06],
	/** 1.2.3.4, unknown to both printers. */
	unknown: [0x2a, 0x03, 0x04],
};

const TAG = { utf8: 0x0c, printable: 0x13, bmp: 0x1e, universal: 0x1c, octetString: 0x04 };

function attribute(oid: readonly number[], tag: number, value: readonly number[]): number[] {
	return tlv(0x30, [...tlv(0x06, oid), ...tlv(tag, value)]);
}

/** A Name from RDNs, each a list of attributes, in certificate order. */
function name(...rdns: number[][][]): Uint8Array {
	const sets = rdns.flatMap((attributes) => tlv(0x31, attributes.flat()));
	return Uint8Array.from(tlv(0x30, sets));
}

const utf8 = (text: string) => [...Buffer.from(text, "utf8")];
const ascii = (text: string) => [...Buffer.from(text, "latin1")];
const bmp = (text: string) => [...Buffer.from(text, "utf16le").swap16()];

describe("formatNameRfc2253", () => {
	it("reverses RDNs and joins them with commas", () => {
		const der = name(
			[attribute(OID.country, TAG.printable, ascii("US"))],
			[attribute(OID.organization, TAG.printable, ascii("Acme"))],
			[attribute(OID.commonName, TAG.utf8, utf8("svc"))],
		);
		expect(formatNameRfc2253(der)).toBe("CN=svc,O=Acme,C=US");
	});

	it("escapes specials with a backslash", () => {
		const der = name([attribute(OID.commonName, TAG.utf8, utf8('a,b+c"d\\e;f<g>h=i/j'))]);
		expect(formatNameRfc2253(der)).toBe('CN=a\\,b\\+c\\"d\\\\e\\;f\\<g\\>h=i/j');
	});

	it("escapes a leading hash, leading space and trailing space", () => {
		const der = name([attribute(OID.commonName, TAG.utf8, utf8(" #x # "))]);
		expect(formatNameRfc2253(der)).toBe("CN=\\ #x #\\ ");

		const hashFirst = name([attribute(OID.commonName, TAG.utf8, utf8("#x"))]);
		expect(formatNameRfc2253(hashFirst)).toBe("CN=\\#x");
	});

	it("leaves a lone hash unescaped, as OpenSSL does", () => {
		const der = name([attribute(OID.commonName, TAG.utf8, utf8("#"))]);
		expect(formatNameRfc2253(der)).toBe("CN=#");
	});

	it("escapes a lone space", () => {
		const der = name([attribute(OID.commonName, TAG.utf8, utf8(" "))]);
		expect(formatNameRfc2253(der)).toBe("CN=\\ ");
	});

	it("escapes UTF-8 bytes and control characters as hex", () => {
		const der = name([attribute(OID.commonName, TAG.utf8, utf8("Zoë\tx\u007f🔐"))]);
		expect(formatNameRfc2253(der)).toBe("CN=Zo\\C3\\AB\\09x\\7F\\F0\\9F\\94\\90");
	});

	it("converts BMPString and UniversalString to UTF-8 before escaping", () => {
		const universal = [0, 0, 0, 0x5a, 0, 0, 0, 0xfc];
		const der = name(
			[attribute(OID.organization, TAG.bmp, bmp("Zü"))],
			[attribute(OID.commonName, TAG.universal, universal)],
		);
		expect(formatNameRfc2253(der)).toBe("CN=Z\\C3\\BC,O=Z\\C3\\BC");
	});

	it("joins a multi-valued RDN with plus, reversed", () => {
		const der = name(
			[attribute(OID.organization, TAG.printable, ascii("Acme"))],
			[
				attribute(OID.organizationalUnit, TAG.printable, ascii("ops")),
				attribute(OID.commonName, TAG.printable, ascii("svc")),
			],
		);
		expect(formatNameRfc2253(der)).toBe("CN=svc+OU=ops,O=Acme");
	});

	it("dumps an unknown attribute type as dotted OID and DER hex", () => {
		const der = name([attribute(OID.unknown, TAG.utf8, utf8("x"))]);
		expect(formatNameRfc2253(der)).toBe("1.2.3.4=#0C0178");
	});

	it("dumps a non-string value of a known type as DER hex", () => {
		const der = name([attribute(OID.commonName, TAG.octetString, [0xab])]);
		expect(formatNameRfc2253(der)).toBe("CN=#0401AB");
	});

	it("formats an empty name as an empty string", () => {
		expect(formatNameRfc2253(Uint8Array.from([0x30, 0x00]))).toBe("");
	});
});

describe("formatNameLegacy", () => {
	it("keeps certificate order with a slash before each RDN", () => {
		const der = name(
			[attribute(OID.country, TAG.printable, ascii("US"))],
			[attribute(OID.organization, TAG.printable, ascii("Acme, Inc."))],
			[attribute(OID.commonName, TAG.utf8, utf8("svc"))],
		);
		expect(formatNameLegacy(der)).toBe("/C=US/O=Acme, Inc./CN=svc");
	});

	it("escapes slash and plus, and bytes outside printable ASCII as \\xXX", () => {
		const der = name([attribute(OID.commonName, TAG.utf8, utf8('a/b+c,"d\\ ü\n'))]);
		expect(formatNameLegacy(der)).toBe('/CN=a\\/b\\+c,"d\\ \\xC3\\xBC\\x0A');
	});

	it("prints the raw octets of a BMPString", () => {
		const der = name([attribute(OID.commonName, TAG.bmp, bmp("Zü"))]);
		expect(formatNameLegacy(der)).toBe("/CN=\\x00Z\\x00\\xFC");
	});

	it("joins a multi-valued RDN with plus", () => {
		const der = name([
			attribute(OID.organizationalUnit, TAG.printable, ascii("ops")),
			attribute(OID.commonName, TAG.printable, ascii("svc")),
		]);
		expect(formatNameLegacy(der)).toBe("/OU=ops+CN=svc");
	});

	it("names an unknown attribute type by its dotted OID", () => {
		const der = name([attribute(OID.unknown, TAG.utf8, utf8("x"))]);
		expect(formatNameLegacy(der)).toBe("/1.2.3.4=x");
	});
});

describe("DER reader", () => {
	it.each([
		[[0x55, 0x04, 0x03], "2.5.4.3"],
		[[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01], "1.2.840.113549.1.9.1"],
		[[0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19], "0.9.2342.19200300.100.1.25"],
		[[0x88, 0x37], "2.999"],
	])("decodes OID %j as %s", (contents, expected) => {
		expect(decodeObjectIdentifier(Uint8Array.from(contents))).toBe(expected);
	});

	it("reads a long-form length", () => {
		const contents = new Array<number>(300).fill(0x41);
		const der = Uint8Array.from([0x04, 0x82, 0x01, 0x2c, ...contents]);
		expect(readElement(der).contents.length).toBe(300);
	});

	it.each([
		["truncated contents", [0x04, 0x05, 0x00]],
		["missing length", [0x04]],
		["indefinite length", [0x30, 0x80, 0x00, 0x00]],
		["five length octets", [0x04, 0x85, 0, 0, 0, 0, 1]],
		["multi-byte tag", [0x1f, 0x01, 0x00]],
	])("rejects %s", (_case, bytes) => {
		expect(() => readElement(Uint8Array.from(bytes))).toThrow();
	});

	it("rejects a name whose attribute lacks an OID", () => {
		const der = Uint8Array.from(tlv(0x30, tlv(0x31, tlv(0x30, tlv(0x0c, utf8("x"))))));
		expect(() => formatNameRfc2253(der)).toThrow(/AttributeTypeAndValue/);
	});
});
