/**
 * The request mix of the load run. Each scenario builds one request and the
 * response the Worker must return: status, problem code, and for allowed
 * requests a check of the body.
 */
import { randomUUID } from "node:crypto";
import { type Caller, certificate, type Role, randomFingerprint, TENANTS } from "./fixtures.ts";

export interface PlannedRequest {
	readonly scenario: string;
	readonly method: string;
	readonly path: string;
	readonly headers: Readonly<Record<string, string>>;
	readonly body?: string;
	readonly expectedStatus: number;
	/** Problem code of a denial; `undefined` for a 2xx. */
	readonly expectedCode?: string;
	/** True when a rate limiter runs before the expected response is decided, so 429 is also correct. */
	readonly limited: boolean;
	/** True for a 5xx the run causes on purpose (an invalid identity record). */
	readonly injected: boolean;
	/** Checks an allowed response's body; returns a reason when it is wrong. */
	readonly checkBody?: (body: Record<string, unknown>, response: Response) => string | undefined;
}

export interface ScenarioState {
	readonly callers: ReadonlyMap<Role, readonly Caller[]>;
	readonly now: number;
	next(role: Role): Caller;
	/** Orders created during the run, per tenant, newest last. */
	readonly orders: Map<string, string[]>;
}

interface Scenario {
	readonly name: string;
	readonly weight: number;
	readonly build: (state: ScenarioState) => PlannedRequest;
}

/** Orders remembered per tenant for read-back; older ones are dropped. */
const MAX_REMEMBERED_ORDERS = 200;

function cfHeader(tlsClientAuth: unknown): Record<string, string> {
	// wrangler dev reads the request's `cf` object from this header.
	return { "mf-cf-blob": JSON.stringify({ tlsClientAuth }) };
}

const JSON_TYPE = { "content-type": "application/json" };

function otherTenant(tenant: string): string {
	return TENANTS.find((candidate) => candidate !== tenant) ?? "acme";
}

function allowed(
	scenario: string,
	caller: Caller,
	method: string,
	path: string,
	expectedStatus: number,
	checkBody: NonNullable<PlannedRequest["checkBody"]>,
	extra: { headers?: Record<string, string>; body?: string } = {},
): PlannedRequest {
	return {
		scenario,
		method,
		path,
		headers: { ...cfHeader(caller.tlsClientAuth), ...extra.headers },
		...(extra.body === undefined ? {} : { body: extra.body }),
		expectedStatus,
		limited: true,
		injected: false,
		checkBody,
	};
}

function denied(
	scenario: string,
	tlsClientAuth: unknown,
	method: string,
	path: string,
	expectedStatus: number,
	expectedCode: string,
	options: {
		limited: boolean;
		headers?: Record<string, string>;
		body?: string;
		injected?: boolean;
	},
): PlannedRequest {
	return {
		scenario,
		method,
		path,
		headers: {
			...(tlsClientAuth === undefined ? {} : cfHeader(tlsClientAuth)),
			...options.headers,
		},
		...(options.body === undefined ? {} : { body: options.body }),
		expectedStatus,
		expectedCode,
		limited: options.limited,
		injected: options.injected ?? false,
	};
}

function validCertificateWith(state: ScenarioState, overrides: Record<string, string>) {
	return { ...certificate(randomFingerprint(), "01", "load-unmapped", state.now), ...overrides };
}

const identityDenials: readonly [Role, string][] = [
	["disabled", "identity_disabled"],
	["revoked", "identity_revoked"],
	["expired", "identity_expired"],
	["issuerPinnedElsewhere", "issuer_mismatch"],
	["serialPinnedElsewhere", "serial_mismatch"],
];

export const SCENARIOS: readonly Scenario[] = [
	{
		name: "whoami",
		weight: 10,
		build: (state) => {
			const caller = state.next("writer");
			return allowed("whoami", caller, "GET", "/v1/whoami", 200, (body) =>
				body.principal === caller.principal && body.tenantId === caller.tenantId
					? undefined
					: "another identity",
			);
		},
	},
	{
		name: "list own orders",
		weight: 5,
		build: (state) => {
			const caller = state.next("writer");
			return allowed(
				"list own orders",
				caller,
				"GET",
				`/v1/tenants/${caller.tenantId}/orders`,
				200,
				(body) => {
					const orders = body.orders as { tenantId?: unknown }[];
					return orders.every((order) => order.tenantId === caller.tenantId)
						? undefined
						: "another tenant's order";
				},
			);
		},
	},
	{
		name: "create order",
		weight: 4,
		build: (state) => {
			const caller = state.next("writer");
			const body = JSON.stringify({ sku: "LOAD-1", quantity: 2, note: "load run" });
			return allowed(
				"create order",
				caller,
				"POST",
				`/v1/tenants/${caller.tenantId}/orders`,
				201,
				(order, response) => {
					if (order.tenantId !== caller.tenantId || order.createdBy !== caller.principal) {
						return "tenant or author not taken from the identity";
					}
					if (
						response.headers.get("location") !== `/v1/tenants/${caller.tenantId}/orders/${order.id}`
					) {
						return "wrong Location";
					}
					remember(state, caller.tenantId, String(order.id));
					return undefined;
				},
				{ headers: JSON_TYPE, body },
			);
		},
	},
	{
		name: "read own tenant's order",
		weight: 4,
		build: (state) => {
			const caller = state.next("writer");
			const id = state.orders.get(caller.tenantId)?.at(-1);
			const path = `/v1/tenants/${caller.tenantId}/orders/${id ?? randomUUID()}`;
			if (id === undefined) {
				return denied(
					"read own tenant's order",
					caller.tlsClientAuth,
					"GET",
					path,
					404,
					"not_found",
					{ limited: true },
				);
			}
			return allowed("read own tenant's order", caller, "GET", path, 200, (order) =>
				order.id === id && order.tenantId === caller.tenantId ? undefined : "another order",
			);
		},
	},
	{
		name: "read another tenant's order by id",
		weight: 2,
		build: (state) => {
			const caller = state.next("writer");
			const id = state.orders.get(otherTenant(caller.tenantId))?.at(-1) ?? randomUUID();
			const path = `/v1/tenants/${caller.tenantId}/orders/${id}`;
			return denied(
				"read another tenant's order by id",
				caller.tlsClientAuth,
				"GET",
				path,
				404,
				"not_found",
				{ limited: true },
			);
		},
	},
	{
		name: "list another tenant's orders",
		weight: 2,
		build: (state) => {
			const caller = state.next("writer");
			const path = `/v1/tenants/${otherTenant(caller.tenantId)}/orders`;
			return denied(
				"list another tenant's orders",
				caller.tlsClientAuth,
				"GET",
				path,
				403,
				"tenant_mismatch",
				{ limited: true },
			);
		},
	},
	{
		name: "write without orders:write",
		weight: 2,
		build: (state) => {
			const caller = state.next("reader");
			return denied(
				"write without orders:write",
				caller.tlsClientAuth,
				"POST",
				`/v1/tenants/${caller.tenantId}/orders`,
				403,
				"insufficient_scope",
				{
					limited: true,
					headers: JSON_TYPE,
					body: JSON.stringify({ sku: "A", quantity: 1 }),
				},
			);
		},
	},
	{
		name: "mass assignment of tenantId",
		weight: 2,
		build: (state) => {
			const caller = state.next("writer");
			const body = JSON.stringify({
				sku: "A",
				quantity: 1,
				tenantId: otherTenant(caller.tenantId),
			});
			return denied(
				"mass assignment of tenantId",
				caller.tlsClientAuth,
				"POST",
				`/v1/tenants/${caller.tenantId}/orders`,
				400,
				"invalid_request",
				{
					limited: true,
					headers: JSON_TYPE,
					body,
				},
			);
		},
	},
	{
		name: "text/plain body",
		weight: 1,
		build: (state) => {
			const caller = state.next("writer");
			return denied(
				"text/plain body",
				caller.tlsClientAuth,
				"POST",
				`/v1/tenants/${caller.tenantId}/orders`,
				415,
				"unsupported_media_type",
				{
					limited: true,
					headers: { "content-type": "text/plain" },
					body: '{"sku":"A","quantity":1}',
				},
			);
		},
	},
	{
		name: "oversized body",
		weight: 1,
		build: (state) => {
			const caller = state.next("writer");
			const body = JSON.stringify({ sku: "A", quantity: 1, note: "x".repeat(70 * 1024) });
			return denied(
				"oversized body",
				caller.tlsClientAuth,
				"POST",
				`/v1/tenants/${caller.tenantId}/orders`,
				413,
				"payload_too_large",
				{
					limited: true,
					headers: JSON_TYPE,
					body,
				},
			);
		},
	},
	{
		// A fresh fingerprint every time: the flood of unknown certificates that
		// the negative cache and the per-certificate limit must keep bounded.
		name: "unknown certificate",
		weight: 4,
		build: (state) =>
			denied(
				"unknown certificate",
				validCertificateWith(state, {}),
				"GET",
				"/v1/whoami",
				403,
				"identity_not_found",
				{ limited: true },
			),
	},
	...identityDenials.map(([role, code]) => ({
		name: `identity ${role}`,
		weight: 1,
		build: (state: ScenarioState) =>
			denied(`identity ${role}`, state.next(role).tlsClientAuth, "GET", "/v1/whoami", 403, code, {
				limited: true,
			}),
	})),
	{
		name: "invalid identity record",
		weight: 1,
		build: (state) =>
			denied(
				"invalid identity record",
				state.next("invalidRecord").tlsClientAuth,
				"GET",
				"/v1/whoami",
				500,
				"internal_error",
				{
					limited: true,
					injected: true,
				},
			),
	},
	...(
		[
			[
				"certificate not verified",
				{ certVerified: "FAILED:self signed certificate" },
				"client_certificate_unverified",
			],
			["certificate revoked", { certRevoked: "1" }, "client_certificate_revoked"],
			["fingerprint empty", { certFingerprintSHA256: "" }, "client_certificate_malformed"],
			[
				"certificate expired",
				{ certNotAfter: "Jan  1 00:00:00 2001 GMT", certNotBefore: "Jan  1 00:00:00 2000 GMT" },
				"client_certificate_outside_validity",
			],
			[
				"no certificate presented",
				{ certPresented: "0", certVerified: "NONE" },
				"client_certificate_missing",
			],
		] as const
	).map(([name, overrides, code]) => ({
		name,
		weight: 1,
		build: (state: ScenarioState) =>
			denied(name, validCertificateWith(state, overrides), "GET", "/v1/whoami", 401, code, {
				limited: false,
			}),
	})),
	...["X-Forwarded-Client-Cert", "X-Forwarded-User"].map((header) => ({
		name: `spoofed ${header}`,
		weight: 1,
		build: (state: ScenarioState) =>
			denied(
				`spoofed ${header}`,
				state.next("writer").tlsClientAuth,
				"GET",
				"/v1/whoami",
				400,
				"untrusted_identity_header",
				{
					limited: false,
					headers: { [header]: "By=spiffe://acme/admin" },
				},
			),
	})),
	{
		name: "unknown path",
		weight: 1,
		build: (state) =>
			denied(
				"unknown path",
				state.next("writer").tlsClientAuth,
				"GET",
				"/v1/admin",
				404,
				"not_found",
				{ limited: true },
			),
	},
	{
		name: "wrong method",
		weight: 1,
		build: (state) =>
			denied(
				"wrong method",
				state.next("writer").tlsClientAuth,
				"DELETE",
				"/v1/whoami",
				405,
				"method_not_allowed",
				{ limited: true },
			),
	},
];

function remember(state: ScenarioState, tenant: string, id: string): void {
	const ids = state.orders.get(tenant) ?? [];
	ids.push(id);
	if (ids.length > MAX_REMEMBERED_ORDERS) {
		ids.shift();
	}
	state.orders.set(tenant, ids);
}

/**
 * Scenarios repeated by weight, walked in order so every run sends the same
 * mix; `only` keeps the scenarios whose name contains it.
 */
export function schedule(only?: string): readonly Scenario[] {
	const chosen = SCENARIOS.filter((scenario) => only === undefined || scenario.name.includes(only));
	if (chosen.length === 0) {
		throw new Error(`no scenario name contains ${JSON.stringify(only)}`);
	}
	return chosen.flatMap((scenario) => Array.from({ length: scenario.weight }, () => scenario));
}
