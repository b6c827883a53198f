/**
 * Generators of the parts of a request a caller controls besides the
 * certificate: headers, method and path, and body.
 */
import { fc } from "@fast-check/vitest";
import type { CfData } from "./certificates.ts";
import { TENANTS, type World } from "./world.ts";

export type BodyData =
	| { readonly contentType: string | null; readonly text: string }
	| { readonly contentType: string | null; readonly bytes: readonly number[] };

export interface GeneratedRequest {
	/** What the generator changed from the valid request, shown in a counterexample. */
	readonly change?: string;
	readonly method: string;
	readonly path: string;
	readonly headers: readonly (readonly [string, string])[];
	readonly body: BodyData | null;
	readonly cf: CfData;
}

// --- Headers ---------------------------------------------------------------

/** Identity headers of the spec; a name ending in `-` or `cert` also gets a suffix. */
const IDENTITY_HEADERS = [
	"x-forwarded-client-cert",
	"client-cert",
	"client-cert-chain",
	"x-client-cert",
	"x-client-cert-dn",
	"x-ssl-client-",
	"ssl-client-",
	"x-forwarded-tls-client-cert",
	"x-forwarded-user",
	"x-remote-user",
	"remote-user",
	"x-authenticated-user",
];

/** Headers that must pass, including names close to the identity headers. */
const ORDINARY_HEADERS = [
	"x-forwarded-for",
	"x-forwarded-proto",
	"forwarded",
	"user-agent",
	"accept",
	"x-request-id",
	"traceparent",
	"x-client-id",
	"x-ssl-client",
	"ssl-client",
	"client-certificate",
	"x-forwarded-user-agent",
	"remote-user-x",
	"x-user",
	"authorization",
];

const tokenChar = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-");
const headerValueChar = fc.constantFrom(
	..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 =,;:/+.-_\"'",
);

/** Changes the letter case of each character independently. */
function anyCase(name: string): fc.Arbitrary<string> {
	return fc
		.array(fc.boolean(), { minLength: name.length, maxLength: name.length })
		.map((upper) => [...name].map((char, i) => (upper[i] ? char.toUpperCase() : char)).join(""));
}

const identityHeaderName = fc
	.tuple(fc.constantFrom(...IDENTITY_HEADERS), fc.string({ unit: tokenChar, maxLength: 8 }))
	.map(([name, suffix]) => (name.endsWith("-") || name.endsWith("cert") ? name + suffix : name))
	.chain(anyCase);

const ordinaryHeaderName = fc.constantFrom(...ORDINARY_HEADERS).chain(anyCase);

const headerValue = fc.oneof(
	fc.string({ unit: headerValueChar, maxLength: 60 }),
	fc.constantFrom("CN=admin,O=Acme", "By=spiffe://acme/admin;Hash=00", "svc-admin", ":MIIB:"),
);

/**
 * Generates up to six headers and sometimes a duplicate of the first.
 * `identityWeight` sets how often a header is an identity header.
 */
export function headersArbitrary(
	identityWeight: number,
): fc.Arbitrary<(readonly [string, string])[]> {
	const name = fc.oneof(
		{ weight: identityWeight, arbitrary: identityHeaderName },
		{ weight: 4, arbitrary: ordinaryHeaderName },
	);
	const header = fc.tuple(name, headerValue);
	return fc.array(header, { maxLength: 6 }).chain((headers) =>
		// Sometimes repeat a header with the same name in another case, as a duplicate.
		fc.boolean().chain((duplicate) => {
			const first = headers[0];
			if (!duplicate || first === undefined) {
				return fc.constant(headers);
			}
			return anyCase(first[0]).map((again) => [...headers, [again, "second"] as const]);
		}),
	);
}

// --- Paths -------------------------------------------------------------------

/** Tenant segments that differ from `tenant` by case, encoding, normalisation or dot segments. */
function tenantVariants(tenant: string): fc.Arbitrary<string> {
	const others = TENANTS.filter((other) => other !== tenant);
	return fc.oneof(
		{ weight: 6, arbitrary: fc.constant(tenant) },
		{ weight: 3, arbitrary: fc.constantFrom(...others) },
		{
			weight: 4,
			arbitrary: fc.constantFrom(
				tenant.toUpperCase(),
				tenant.charAt(0).toUpperCase() + tenant.slice(1),
				`%${tenant.charCodeAt(0).toString(16)}${tenant.slice(1)}`,
				`%${tenant.charCodeAt(0).toString(16).toUpperCase()}${tenant.slice(1)}`,
				`${tenant}%2F..%2F${others[0]}`,
				`${tenant}%2f`,
				`${others[0]}/../${tenant}`,
				`${tenant}/../${others[0]}`,
				`${others[0]}/%2e%2e/${tenant}`,
				`${tenant}/%2E%2E/${others[0]}`,
				`./${tenant}`,
				`${tenant}.`,
				`${tenant}~`,
				`${tenant}%00`,
				`${tenant}%20`,
				`${tenant};x=1`,
				`${tenant}\\..\\${others[0]}`,
				// Cyrillic "а" and fullwidth letters look like Latin ones.
				`\u0430${tenant.slice(1)}`,
				[...tenant]
					.map((char) => String.fromCodePoint((char.codePointAt(0) ?? 0) + 0xfee0))
					.join(""),
				// "é" composed and decomposed: neither is a valid tenant id.
				`${tenant}\u00e9`,
				`${tenant}e\u0301`,
				tenant.repeat(10),
				"",
				"..",
				"%2e%2e",
			),
		},
		{ weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
	);
}

function orderIdVariants(world: World, tenant: string): fc.Arbitrary<string> {
	const planted = [...world.orders.values()];
	const own = planted.filter((order) => order.keyTenant === tenant).map((order) => order.id);
	return fc.oneof(
		{ weight: 3, arbitrary: fc.constantFrom(...own) },
		{ weight: 3, arbitrary: fc.constantFrom(...planted.map((order) => order.id)) },
		{ weight: 2, arbitrary: fc.uuid() },
		{
			weight: 3,
			arbitrary: fc.constantFrom(
				(own[0] ?? "").toUpperCase(),
				`${own[0]}%2F`,
				`..%2F${own[0]}`,
				"not-a-uuid",
				"x".repeat(129),
				"00000000-0000-0000-0000-000000000000",
				`${own[0]}.json`,
			),
		},
		{ weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
	);
}

const SUFFIXES = ["", "", "", "/", "//", "?tenantId=globex", "?x=1&x=2", "#fragment", "/."];
const PREFIXES = ["/v1", "/v1", "/v1", "/V1", "//v1", "/v1/.", "/x/../v1", "/%76%31", "/v1/"];

/** A method and path aimed at the routes of the example API, with the near misses around them. */
export function routeArbitrary(
	world: World,
	tenant: string,
): fc.Arbitrary<{ method: string; path: string }> {
	const method = fc.oneof(
		{ weight: 6, arbitrary: fc.constantFrom("GET", "POST") },
		{ weight: 1, arbitrary: fc.constantFrom("PUT", "PATCH", "DELETE", "OPTIONS") },
	);
	const prefix = fc.oneof(
		{ weight: 4, arbitrary: fc.constant("/v1") },
		{ weight: 1, arbitrary: fc.constantFrom(...PREFIXES) },
	);
	const suffix = fc.oneof(
		{ weight: 4, arbitrary: fc.constant("") },
		{ weight: 1, arbitrary: fc.constantFrom(...SUFFIXES) },
	);

	const whoami = fc.tuple(prefix, suffix).map(([p, s]) => `${p}/whoami${s}`);
	const orders = fc
		.tuple(prefix, tenantVariants(tenant), suffix)
		.map(([p, t, s]) => `${p}/tenants/${t}/orders${s}`);
	const order = fc
		.tuple(prefix, tenantVariants(tenant), orderIdVariants(world, tenant), suffix)
		.map(([p, t, id, s]) => `${p}/tenants/${t}/orders/${id}${s}`);
	const other = fc.oneof(
		fc.webPath(),
		fc.constantFrom(
			"/",
			"/v1",
			"/v1/tenants",
			`/v1/tenants/${tenant}`,
			"/v1/whoami/extra",
			"/v2/whoami",
			`/v1/tenants/${tenant}/orders/a/b`,
		),
		fc.string({ maxLength: 30 }).map((text) => `/${text}`),
		fc.constant(`/v1/whoami?q=${"a".repeat(2100)}`),
	);

	const path = fc.oneof(
		{ weight: 3, arbitrary: whoami },
		{ weight: 5, arbitrary: orders },
		{ weight: 4, arbitrary: order },
		{ weight: 1, arbitrary: other },
	);
	return fc.record({ method, path });
}

// --- Bodies ------------------------------------------------------------------

const validOrder = fc.record(
	{
		sku: fc.string({ minLength: 1, maxLength: 64 }),
		quantity: fc.integer({ min: 1, max: 1000 }),
		note: fc.string({ maxLength: 500 }),
	},
	{ requiredKeys: ["sku", "quantity"] },
);

/** Values for any field that the order schema must reject or accept exactly. */
const edgeValue = fc.oneof(
	fc.constantFrom<unknown>(
		0,
		-1,
		1001,
		1.5,
		1e308,
		-0,
		2 ** 53,
		"1",
		"",
		null,
		true,
		[],
		{},
		"x".repeat(65),
		"x".repeat(501),
	),
	fc.integer({ min: 1, max: 1000 }),
	fc.string({ maxLength: 70 }),
	fc.double(),
);

const MASS_ASSIGNMENT_KEYS = [
	"tenantId",
	"id",
	"createdBy",
	"createdAt",
	"__proto__",
	"constructor",
	"prototype",
	"toString",
	"Sku",
	"sku ",
	"hasOwnProperty",
];

/** Nests `[...]` or `{"a": ...}` `depth` times around a valid value. */
function nested(depth: number, useObjects: boolean): string {
	return useObjects
		? `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`
		: `${"[".repeat(depth)}1${"]".repeat(depth)}`;
}

/** The JSON text of an order body, mostly near the schema and sometimes far from it. */
const bodyText: fc.Arbitrary<string> = fc.oneof(
	{ weight: 6, arbitrary: validOrder.map((order) => JSON.stringify(order)) },
	{
		weight: 4,
		arbitrary: fc
			.tuple(validOrder, fc.constantFrom("sku", "quantity", "note"), edgeValue)
			.map(([order, field, value]) => JSON.stringify({ ...order, [field]: value })),
	},
	{
		weight: 3,
		arbitrary: fc
			.tuple(
				validOrder,
				fc.oneof(fc.constantFrom(...MASS_ASSIGNMENT_KEYS), fc.string({ maxLength: 10 })),
				edgeValue,
			)
			// The key goes in as text, so `__proto__` is a real key and not the prototype.
			.map(([order, key, value]) =>
				JSON.stringify(order).replace(
					/^\{/,
					`{${JSON.stringify(key)}:${JSON.stringify(value) ?? "null"},`,
				),
			),
	},
	{
		weight: 2,
		arbitrary: fc
			.tuple(validOrder, fc.integer({ min: 1, max: 40 }), fc.boolean())
			.map(([order, depth, useObjects]) =>
				JSON.stringify(order).replace(/\}$/, `,"extra":${nested(depth, useObjects)}}`),
			),
	},
	{
		weight: 2,
		arbitrary: fc.constantFrom(
			"",
			"{",
			"null",
			"[]",
			"1",
			'"order"',
			"{}",
			'{"sku":"A","quantity":1,"quantity":2}',
			'{"sku":"A","quantity":1e400}',
			'{"sku":"A","quantity":1000.0}',
			'{"sku":"A","quantity":100000000000000000000000000000}',
			'{"sku":"A","quantity":1,"note":null}',
			`{"sku":"A","quantity":1,"note":[${new Array(1001).fill(0).join(",")}]}`,
			`[${new Array(1001).fill(0).join(",")}]`,
			nested(200, false),
			`{"sku":"A","quantity":1,"note":"${"x".repeat(70_000)}"}`,
		),
	},
	{ weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
);

const CONTENT_TYPES = [
	"application/json; charset=utf-8",
	"Application/JSON",
	'application/json; charset="utf-8"',
	"application/json; charset=latin1",
	"text/plain",
	"application/x-www-form-urlencoded",
	"application/json-patch+json",
	"application/problem+json",
];

export const bodyArbitrary: fc.Arbitrary<BodyData> = fc.oneof(
	{
		weight: 8,
		arbitrary: fc.record({
			contentType: fc.oneof(
				{ weight: 6, arbitrary: fc.constant("application/json") },
				{ weight: 2, arbitrary: fc.constantFrom<string | null>(...CONTENT_TYPES, null) },
			),
			text: bodyText,
		}),
	},
	{
		weight: 1,
		arbitrary: fc.record({
			contentType: fc.constant("application/json"),
			// Invalid UTF-8 inside an otherwise valid body.
			bytes: fc.constantFrom(
				[0x7b, 0x22, 0x73, 0x6b, 0x75, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d],
				[0xc3, 0x28],
			),
		}),
	},
);
