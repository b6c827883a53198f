/**
 * An independent oracle for the gate: from a generated request and the
 * stored state, compute the status and problem code the Worker must return.
 * It is written from the specification (the certificate rules, the identity
 * header list, the record format, the route table and the body schema), not
 * by calling anything in src/, so a bug shared by both is unlikely.
 */
import type { GeneratedRequest } from "./request.ts";
import type { IdentityRecordData, World } from "./world.ts";

export type RouteName = "whoami" | "listOrders" | "createOrder" | "getOrder";

export type Expected =
	| {
			readonly outcome: "allow";
			readonly status: 200 | 201;
			readonly route: RouteName;
			readonly record: IdentityRecordData;
			readonly certificate: Readonly<Record<string, unknown>>;
			/** The planted order a `getOrder` must return. */
			readonly orderId?: string;
			/** The parsed body a `createOrder` must store. */
			readonly body?: Readonly<Record<string, unknown>>;
	  }
	| {
			readonly outcome: "deny";
			readonly status: number;
			readonly code: string;
	  };

/** The expected response, and whether a 429 may replace it because a limiter runs before it. */
export interface Verdict {
	readonly expected: Expected;
	readonly rateLimitable: boolean;
}

const MAX_URL_LENGTH = 2048;
const MAX_BODY_BYTES = 64 * 1024;

/** The untrusted identity headers of the spec: exact names, and prefixes written with a trailing `*`. */
const UNTRUSTED_HEADERS = [
	"x-forwarded-client-cert",
	"client-cert",
	"client-cert-chain",
	"x-client-cert*",
	"x-ssl-client-*",
	"ssl-client-*",
	"x-forwarded-tls-client-cert*",
	"x-forwarded-user",
	"x-remote-user",
	"remote-user",
	"x-authenticated-user",
];

const STRING_FIELDS = [
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
];

const OPTIONAL_FIELDS: Readonly<Record<string, "string" | "boolean">> = {
	certRFC9440: "string",
	certRFC9440TooLarge: "boolean",
	certChainRFC9440: "string",
	certChainRFC9440TooLarge: "boolean",
};

function deny(status: number, code: string): Expected {
	return { outcome: "deny", status, code };
}

export function decide(request: GeneratedRequest, world: World, now: number): Verdict {
	const unlimited = (expected: Expected): Verdict => ({ expected, rateLimitable: false });

	let url: URL;
	try {
		url = new URL(`https://api.example.com${request.path}`);
	} catch {
		throw new Error("the generator produced a path that is not a URL");
	}
	url.hash = "";
	if (url.href.length > MAX_URL_LENGTH) {
		return unlimited(deny(414, "uri_too_long"));
	}

	const certificate = decideCertificate(request.cf, now);
	if (!certificate.ok) {
		return unlimited(certificate.expected);
	}

	if (carriesIdentityHeader(request.headers)) {
		return unlimited(deny(400, "untrusted_identity_header"));
	}

	// From here a limiter may reject first: per certificate before the KV read,
	// and per identity once a route matched.
	const limited = (expected: Expected): Verdict => ({ expected, rateLimitable: true });
	const fingerprint = certificate.fields.certFingerprintSHA256 as string;
	const stored = world.identities.get(fingerprint) ?? { kind: "absent" };
	if (stored.kind === "absent") {
		return limited(deny(403, "identity_not_found"));
	}
	if (stored.kind === "invalid") {
		return limited(deny(500, "internal_error"));
	}

	const identity = decideIdentity(stored.record, certificate.fields, now);
	if (identity !== undefined) {
		return limited(identity);
	}

	return limited(decideRoute(request, url, stored.record, certificate.fields, world));
}

// --- Step 1: certificate state -------------------------------------------

type CertificateDecision =
	| { readonly ok: true; readonly fields: Readonly<Record<string, unknown>> }
	| { readonly ok: false; readonly expected: Expected };

function decideCertificate(cf: GeneratedRequest["cf"], now: number): CertificateDecision {
	// The runtime hands `cf` to the Worker as JSON, so the oracle reads it the same way.
	const seen: unknown = cf === undefined ? undefined : JSON.parse(JSON.stringify(cf));
	const auth = isRecord(seen) ? seen.tlsClientAuth : undefined;
	if (!isRecord(auth)) {
		return { ok: false, expected: deny(401, "mtls_required") };
	}

	const malformed = { ok: false, expected: deny(401, "client_certificate_malformed") } as const;
	for (const field of STRING_FIELDS) {
		if (typeof auth[field] !== "string") {
			return malformed;
		}
	}
	for (const [field, type] of Object.entries(OPTIONAL_FIELDS)) {
		if (Object.hasOwn(auth, field) && typeof auth[field] !== type) {
			return malformed;
		}
	}

	if (auth.certPresented === "0") {
		return { ok: false, expected: deny(401, "client_certificate_missing") };
	}
	if (auth.certPresented !== "1") {
		return malformed;
	}
	if (auth.certVerified !== "SUCCESS") {
		return { ok: false, expected: deny(401, "client_certificate_unverified") };
	}
	if (auth.certRevoked === "1") {
		return { ok: false, expected: deny(401, "client_certificate_revoked") };
	}
	if (auth.certRevoked !== "0") {
		return malformed;
	}
	if (!/^[0-9a-f]{64}$/.test(auth.certFingerprintSHA256 as string)) {
		return malformed;
	}

	const notBefore = parseCertificateTime(auth.certNotBefore as string);
	const notAfter = parseCertificateTime(auth.certNotAfter as string);
	if (notBefore === undefined || notAfter === undefined) {
		return malformed;
	}
	// An inverted window (notBefore after notAfter) contains no instant, so `now` is outside it.
	if (now < notBefore || now > notAfter) {
		return { ok: false, expected: deny(401, "client_certificate_outside_validity") };
	}

	return { ok: true, fields: auth };
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * Parses "Mmm D HH:MM:SS YYYY GMT" with the day space-padded or not. Years
 * before 1950 are rejected: RFC 5280 encodes them in no certificate field.
 */
export function parseCertificateTime(text: string): number | undefined {
	const match =
		/^([A-Z][a-z]{2}) (?: ?([1-9])|([12][0-9]|3[01])) (\d\d):(\d\d):(\d\d) (\d{4}) GMT$/.exec(text);
	if (match === null) {
		return undefined;
	}

	const [, monthName, shortDay, longDay, hours, minutes, seconds, yearText] = match;
	const month = MONTHS.indexOf(monthName ?? "");
	const day = Number(shortDay ?? longDay);
	const year = Number(yearText);
	const [h, m, s] = [Number(hours), Number(minutes), Number(seconds)];
	if (month < 0 || year < 1950 || h > 23 || m > 59 || s > 59) {
		return undefined;
	}

	const time = Date.UTC(year, month, day, h, m, s);
	return new Date(time).getUTCDate() === day ? time : undefined;
}

// --- Step 2: identity headers ---------------------------------------------

function carriesIdentityHeader(headers: GeneratedRequest["headers"]): boolean {
	return headers.some(([name]) => {
		const lower = name.toLowerCase();
		return UNTRUSTED_HEADERS.some((pattern) =>
			pattern.endsWith("*") ? lower.startsWith(pattern.slice(0, -1)) : lower === pattern,
		);
	});
}

// --- Step 3: identity record ----------------------------------------------

function decideIdentity(
	record: IdentityRecordData,
	certificate: Readonly<Record<string, unknown>>,
	now: number,
): Expected | undefined {
	if (record.status === "revoked") {
		return deny(403, "identity_revoked");
	}
	if (record.status === "disabled") {
		return deny(403, "identity_disabled");
	}
	if (record.expiresAt !== undefined && now > Date.parse(record.expiresAt)) {
		return deny(403, "identity_expired");
	}

	if (record.issuerDN !== undefined && record.issuerDN !== certificate.certIssuerDNRFC2253) {
		return deny(403, "issuer_mismatch");
	}
	const skiOf = (value: string) => value.split(":").join("").toUpperCase();
	if (
		record.issuerSKI !== undefined &&
		skiOf(record.issuerSKI) !== skiOf(certificate.certIssuerSKI as string)
	) {
		return deny(403, "issuer_mismatch");
	}
	if (record.serial !== undefined && !sameSerial(record.serial, certificate.certSerial as string)) {
		return deny(403, "serial_mismatch");
	}

	return undefined;
}

/** Serials compare as unsigned integers written in hex. */
function sameSerial(pinned: string, presented: string): boolean {
	if (!/^[0-9a-fA-F]+$/.test(presented)) {
		return false;
	}
	return BigInt(`0x${pinned}`) === BigInt(`0x${presented}`);
}

// --- Steps 4 to 6: route, scope, tenant, input ------------------------------

const UUID_LOWERCASE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UNRESERVED = /^[A-Za-z0-9._~-]{1,128}$/;

function decideRoute(
	request: GeneratedRequest,
	url: URL,
	record: IdentityRecordData,
	certificate: Readonly<Record<string, unknown>>,
	world: World,
): Expected {
	const allow = { outcome: "allow", record, certificate } as const;

	// Trailing slashes do not change the route; an empty segment anywhere else does.
	const path = url.pathname.replace(/\/+$/, "");
	const segments = path.split("/");
	const isOrders = segments.length === 5 && segments[3] !== "" && segments[4] === "orders";
	const isOrder = segments.length === 6 && segments[3] !== "" && segments[5] !== "";
	const tenantPrefix = segments[1] === "v1" && segments[2] === "tenants" && segments[0] === "";

	if (path === "/v1/whoami") {
		if (request.method !== "GET") {
			return deny(405, "method_not_allowed");
		}
		return { ...allow, status: 200, route: "whoami" };
	}

	if (tenantPrefix && isOrders) {
		const tenant = segments[3] as string;
		if (request.method === "GET") {
			return (
				authorize(record, "orders:read", tenant) ?? { ...allow, status: 200, route: "listOrders" }
			);
		}
		if (request.method === "POST") {
			const denied = authorize(record, "orders:write", tenant);
			if (denied !== undefined) {
				return denied;
			}
			const body = decideBody(request.body);
			if (!body.ok) {
				return body.expected;
			}
			return { ...allow, status: 201, route: "createOrder", body: body.value };
		}
		return deny(405, "method_not_allowed");
	}

	if (tenantPrefix && isOrder && segments[4] === "orders") {
		if (request.method !== "GET") {
			return deny(405, "method_not_allowed");
		}
		const tenant = segments[3] as string;
		const orderId = segments[5] as string;
		const denied = authorize(record, "orders:read", tenant);
		if (denied !== undefined) {
			return denied;
		}
		if (!UNRESERVED.test(orderId) || !UUID_LOWERCASE.test(orderId)) {
			return deny(400, "invalid_request");
		}

		const order = world.orders.get(orderId);
		if (
			order === undefined ||
			order.keyTenant !== record.tenantId ||
			order.valueTenant !== record.tenantId
		) {
			return deny(404, "not_found");
		}
		return { ...allow, status: 200, route: "getOrder", orderId };
	}

	return deny(404, "not_found");
}

/** Scope first, then the tenant: the path segment must equal the record's tenant exactly. */
function authorize(
	record: IdentityRecordData,
	scope: string,
	tenant: string,
): Expected | undefined {
	if (!record.scopes.includes(scope)) {
		return deny(403, "insufficient_scope");
	}
	if (tenant !== record.tenantId) {
		return deny(403, "tenant_mismatch");
	}
	return undefined;
}

function decideBody(
	body: GeneratedRequest["body"],
):
	| { readonly ok: true; readonly value: Readonly<Record<string, unknown>> }
	| { readonly ok: false; readonly expected: Expected } {
	const denied = (status: number, code: string) =>
		({ ok: false, expected: deny(status, code) }) as const;
	if (!isJsonType(effectiveContentType(body))) {
		return denied(415, "unsupported_media_type");
	}

	const bytes = bodyBytes(body);
	if (bytes.byteLength > MAX_BODY_BYTES) {
		return denied(413, "payload_too_large");
	}

	let parsed: unknown;
	try {
		parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes));
	} catch {
		return denied(400, "invalid_request");
	}

	return isNewOrder(parsed) ? { ok: true, value: parsed } : denied(400, "invalid_request");
}

/** `Request` labels a string body without a content type as text/plain. */
function effectiveContentType(body: GeneratedRequest["body"]): string | null {
	if (body === null) {
		return null;
	}
	if (body.contentType !== null) {
		return body.contentType;
	}
	return "text" in body ? "text/plain;charset=UTF-8" : null;
}

function isJsonType(contentType: string | null): boolean {
	if (contentType === null) {
		return false;
	}
	const [type, ...parameters] = contentType.split(";").map((part) => part.trim().toLowerCase());
	return (
		type === "application/json" &&
		parameters.every(
			(parameter) => parameter === "charset=utf-8" || parameter === 'charset="utf-8"',
		)
	);
}

export function bodyBytes(body: GeneratedRequest["body"]): Uint8Array {
	if (body === null) {
		return new Uint8Array(0);
	}
	return "text" in body ? new TextEncoder().encode(body.text) : Uint8Array.from(body.bytes);
}

/** `{ sku: string 1-64, quantity: integer 1-1000, note?: string <= 500 }` and no other own key. */
function isNewOrder(value: unknown): value is Record<string, unknown> {
	if (!isRecord(value)) {
		return false;
	}
	const keys = Object.keys(value);
	if (keys.some((key) => key !== "sku" && key !== "quantity" && key !== "note")) {
		return false;
	}

	const { sku, quantity, note } = value;
	const skuValid = typeof sku === "string" && sku.length >= 1 && sku.length <= 64;
	const quantityValid =
		typeof quantity === "number" && Number.isInteger(quantity) && quantity >= 1 && quantity <= 1000;
	const noteValid = !keys.includes("note") || (typeof note === "string" && note.length <= 500);
	return skuValid && quantityValid && noteValid;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}
