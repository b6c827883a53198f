/**
 * Generators of `request.cf.tlsClientAuth`: a valid base object per
 * generated identity, and perturbations of it (one field changed to a
 * near-miss or another type, a field removed, an extra field, or the whole
 * object replaced). Field formats follow Cloudflare's "Client certificate
 * variables" documentation.
 */
import { fc } from "@fast-check/vitest";

export type TlsClientAuthData = Readonly<Record<string, unknown>>;

const DAY_MS = 86_400_000;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Formats epoch milliseconds as OpenSSL prints a GMT time; `padDay` space-pads a one-digit day. */
export function formatCertificateTime(epochMs: number, padDay: boolean): string {
	const date = new Date(epochMs);
	const day = date.getUTCDate();
	const dayText = day < 10 && padDay ? ` ${day}` : String(day);
	const time = [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]
		.map((part) => String(part).padStart(2, "0"))
		.join(":");
	return `${MONTHS[date.getUTCMonth()]} ${dayText} ${time} ${date.getUTCFullYear()} GMT`;
}

const hexDigit = fc.constantFrom(..."0123456789abcdef");

export function hex(length: number): fc.Arbitrary<string> {
	return fc.string({ unit: hexDigit, minLength: length, maxLength: length });
}

/** Uppercase hex bytes joined by colons, the key identifier form in workers-types. */
function colonHex(bytes: number): fc.Arbitrary<string> {
	return hex(bytes * 2).map((text) => (text.match(/../g) ?? []).join(":").toUpperCase());
}

/**
 * Generates a verified, unrevoked certificate valid at `now`. Each value carries a
 * random token, so a response body that echoes it is easy to spot.
 */
export function validCertificate(now: number): fc.Arbitrary<TlsClientAuthData> {
	return fc
		.record({
			token: hex(12),
			fingerprint: hex(64),
			sha1: hex(40),
			serial: fc
				.tuple(fc.constantFrom("", "00"), hex(16))
				.map(([zeros, digits]) => zeros + digits.toUpperCase()),
			issuerSerial: hex(10).map((text) => text.toUpperCase()),
			ski: colonHex(20),
			issuerSki: fc.oneof(
				colonHex(20),
				hex(40).map((text) => text.toUpperCase()),
			),
			notBeforeAgo: fc.integer({ min: 1, max: 20 * 365 }),
			notAfterAhead: fc.integer({ min: 1, max: 70 * 365 }),
			padDay: fc.boolean(),
			blob: fc.base64String({ minLength: 16, maxLength: 64 }),
			withRfc9440: fc.boolean(),
		})
		.map((parts) => {
			const issuerCn = `Prop CA ${parts.token}`;
			const subjectCn = `svc-${parts.token}`;
			const base: Record<string, unknown> = {
				certPresented: "1",
				certVerified: "SUCCESS",
				certRevoked: "0",
				certIssuerDN: `CN=${issuerCn}, O=Prop Test\\, Inc., C=US`,
				certSubjectDN: `CN=${subjectCn}, O=Prop Test\\, Inc., C=US`,
				certIssuerDNRFC2253: `CN=${issuerCn},O=Prop Test\\, Inc.,C=US`,
				certSubjectDNRFC2253: `CN=${subjectCn},O=Prop Test\\, Inc.,C=US`,
				certIssuerDNLegacy: `/C=US/O=Prop Test, Inc./CN=${issuerCn}`,
				certSubjectDNLegacy: `/C=US/O=Prop Test, Inc./CN=${subjectCn}`,
				certSerial: parts.serial,
				certIssuerSerial: parts.issuerSerial,
				certSKI: parts.ski,
				certIssuerSKI: parts.issuerSki,
				certFingerprintSHA1: parts.sha1,
				certFingerprintSHA256: parts.fingerprint,
				certNotBefore: formatCertificateTime(now - parts.notBeforeAgo * DAY_MS, parts.padDay),
				certNotAfter: formatCertificateTime(now + parts.notAfterAhead * DAY_MS, parts.padDay),
			};
			if (parts.withRfc9440) {
				Object.assign(base, {
					certRFC9440: `:${parts.blob}${parts.token}:`,
					certRFC9440TooLarge: false,
					certChainRFC9440: `:${parts.token}${parts.blob}:`,
					certChainRFC9440TooLarge: false,
				});
			}
			return base;
		});
}

/** JSON values of the wrong type for any field. */
const wrongType: fc.Arbitrary<unknown> = fc.oneof(
	fc.integer(),
	fc.boolean(),
	fc.constant(null),
	fc.constant([]),
	fc.constant({}),
	fc.constant(["SUCCESS"]),
	fc.constant({ toString: "SUCCESS" }),
);

const anyText = fc.string({ maxLength: 40 });

/** Near-miss strings per field; every field also gets arbitrary text and wrong types. */
function nearMisses(
	field: string,
	base: TlsClientAuthData,
	now: number,
	others: readonly string[],
) {
	const text = String(base[field] ?? "");
	const times = (epochMs: number) =>
		fc.constantFrom(formatCertificateTime(epochMs, true), formatCertificateTime(epochMs, false));

	switch (field) {
		case "certPresented":
			return fc.constantFrom("0", "1 ", " 1", "", "01", "true", "1\u0000");
		case "certVerified":
			return fc.constantFrom(
				"success",
				"Success",
				" SUCCESS",
				"SUCCESS ",
				"SUCCESS:",
				"NONE",
				"FAILED",
				"FAILED:certificate has expired",
				"FAILED:self signed certificate",
				"FAILED:unable to verify the first certificate",
				"FAILED:certificate is not yet valid",
				"FAILED:unable to get local issuer certificate",
				"FAILED:SUCCESS",
				"",
			);
		case "certRevoked":
			return fc.constantFrom("1", "", " 0", "00", "0 ", "false", "2");
		case "certFingerprintSHA256":
			return fc.oneof(
				fc.constantFrom(
					text.toUpperCase(),
					text.slice(1),
					`${text}0`,
					text + text,
					(text.match(/../g) ?? []).join(":"),
					"",
				),
				hex(64),
				...(others.length > 0 ? [fc.constantFrom(...others)] : []),
			);
		case "certNotBefore":
			return fc.oneof(
				fc.integer({ min: 1, max: 3650 }).chain((days) => times(now + days * DAY_MS)),
				times(Date.UTC(2099, 0, 1)),
				timeFormatNearMisses(text),
			);
		case "certNotAfter":
			return fc.oneof(
				times(Date.UTC(2001, 0, 1)),
				times(now - DAY_MS),
				times(Date.UTC(1949, 11, 31)),
				timeFormatNearMisses(text),
			);
		case "certSerial":
			return fc.constantFrom(
				`00${text}`,
				text.replace(/^0+/, ""),
				text.toLowerCase(),
				`${text}0`,
				"",
				"XYZ",
				`-${text}`,
			);
		case "certIssuerSKI":
		case "certSKI":
			return fc.constantFrom(text.replaceAll(":", ""), text.toLowerCase(), `${text}:00`, "", "ZZ");
		case "certIssuerDNRFC2253":
			return fc.constantFrom(
				text.toLowerCase(),
				text.replaceAll(",", ", "),
				`${text} `,
				"",
				"CN=Other CA,O=Other",
			);
		case "certRFC9440TooLarge":
		case "certChainRFC9440TooLarge":
			return fc.constantFrom<unknown>(true, false, "false", "0", 0);
		default:
			return fc.constantFrom(text.toLowerCase(), `${text} `, "");
	}
}

/** Times in formats near OpenSSL's: wrong padding, other layouts, impossible dates. */
function timeFormatNearMisses(valid: string): fc.Arbitrary<string> {
	return fc.constantFrom(
		valid.replace(" GMT", " UTC"),
		valid.replace(" GMT", ""),
		valid.toLowerCase(),
		` ${valid}`,
		valid.replace(/^(\w{3}) +(\d) /, "$1 0$2 "),
		valid.replace(/^(\w{3}) (\d\d) /, "$1  $2 "),
		"Feb 30 00:00:00 2020 GMT",
		"Feb 29 00:00:00 2021 GMT",
		"Apr 31 12:00:00 2020 GMT",
		"Jan  5 24:00:00 2020 GMT",
		"Jan  5 00:60:00 2020 GMT",
		"Jan  5 00:00:60 2020 GMT",
		"Jan  5 00:00:00 20200 GMT",
		"Jan   5 00:00:00 2020 GMT",
		"2020-01-05T00:00:00Z",
		"Sun, 05 Jan 2020 00:00:00 GMT",
		"1578182400",
		"",
	);
}

const FIELDS = [
	"certPresented",
	"certVerified",
	"certRevoked",
	"certIssuerDN",
	"certSubjectDN",
	"certIssuerDNRFC2253",
	"certSubjectDNRFC2253",
	"certIssuerDNLegacy",
	"certSubjectDNLegacy",
	"certSerial",
	"certIssuerSerial",
	"certSKI",
	"certIssuerSKI",
	"certFingerprintSHA1",
	"certFingerprintSHA256",
	"certNotBefore",
	"certNotAfter",
	"certRFC9440",
	"certRFC9440TooLarge",
	"certChainRFC9440",
	"certChainRFC9440TooLarge",
];

/** Keys that are not Cloudflare fields: misspellings, other cases and prototype names. */
const EXTRA_KEYS = [
	"__proto__",
	"constructor",
	"certVerify",
	"CertVerified",
	"certPresented ",
	"isAdmin",
	"prototype",
];

/** A `request.cf` value: the certificate perturbed in one way, or a structurally broken object. */
export type CfData = Readonly<Record<string, unknown>> | undefined;

export interface PerturbedCertificate {
	readonly change: string;
	readonly cf: CfData;
}

export function perturbedCertificate(
	base: TlsClientAuthData,
	now: number,
	others: readonly string[],
): fc.Arbitrary<PerturbedCertificate> {
	const withField = (field: string, value: unknown): PerturbedCertificate => ({
		change: `set ${field}`,
		cf: { tlsClientAuth: setOwn(base, field, value) },
	});

	const setField = fc
		.constantFrom(...FIELDS)
		.chain((field) =>
			fc
				.oneof(
					{ weight: 3, arbitrary: nearMisses(field, base, now, others) as fc.Arbitrary<unknown> },
					{ weight: 1, arbitrary: anyText },
					{ weight: 1, arbitrary: wrongType },
				)
				.map((value) => withField(field, value)),
		);

	const removeField = fc.constantFrom(...FIELDS).map((field) => {
		const copy = { ...base };
		delete copy[field];
		return { change: `remove ${field}`, cf: { tlsClientAuth: copy } };
	});

	const extraField = fc
		.tuple(
			fc.oneof(fc.constantFrom(...EXTRA_KEYS), fc.string({ maxLength: 12 })),
			fc.oneof(anyText, wrongType),
		)
		.filter(([key]) => !FIELDS.includes(key))
		.map(([key, value]) => ({
			change: `add ${JSON.stringify(key)}`,
			cf: { tlsClientAuth: setOwn(base, key, value) },
		}));

	const wholeObject = fc.constantFrom<PerturbedCertificate>(
		{ change: "no cf", cf: undefined },
		{ change: "cf without tlsClientAuth", cf: {} },
		{ change: "tlsClientAuth null", cf: { tlsClientAuth: null } },
		{ change: "tlsClientAuth array", cf: { tlsClientAuth: [base] } },
		{ change: "tlsClientAuth string", cf: { tlsClientAuth: "SUCCESS" } },
		{ change: "tlsClientAuth number", cf: { tlsClientAuth: 1 } },
		{ change: "placeholder", cf: { tlsClientAuth: placeholder() } },
		{ change: "nested", cf: { tlsClientAuth: { tlsClientAuth: base } } },
	);

	return fc.oneof(
		{ weight: 4, arbitrary: fc.constant({ change: "none", cf: { tlsClientAuth: base } }) },
		{ weight: 6, arbitrary: setField },
		{ weight: 1, arbitrary: removeField },
		{ weight: 1, arbitrary: extraField },
		{ weight: 1, arbitrary: wholeObject },
	);
}

/** Sets a key as an own property, so `__proto__` becomes a key instead of the prototype. */
function setOwn(base: TlsClientAuthData, key: string, value: unknown): Record<string, unknown> {
	const copy: Record<string, unknown> = { ...base };
	Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
	return copy;
}

/** Cloudflare's object for a request without a client certificate. */
export function placeholder(): Record<string, unknown> {
	const empty = Object.fromEntries(FIELDS.map((field) => [field, ""]));
	return {
		...empty,
		certPresented: "0",
		certVerified: "NONE",
		certRevoked: "0",
		certRFC9440TooLarge: false,
		certChainRFC9440TooLarge: false,
	};
}
