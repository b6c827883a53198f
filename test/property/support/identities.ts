/**
 * The identities a property file uses: a pool of generated certificates,
 * each with what is stored under its fingerprint (a valid record with pins
 * that match or not, a corrupted value, or nothing). The pool is written to
 * local KV once, before the runs, so each run costs one request.
 */
import { env } from "cloudflare:workers";
import { fc } from "@fast-check/vitest";
import { type TlsClientAuthData, validCertificate } from "./certificates.ts";
import {
	type IdentityRecordData,
	type PlantedOrder,
	SCOPES,
	type StoredIdentity,
	TENANTS,
	type World,
} from "./world.ts";

export interface PoolEntry {
	readonly certificate: TlsClientAuthData;
	readonly stored: StoredIdentity;
}

export interface Pool {
	readonly entries: readonly PoolEntry[];
	readonly world: World;
}

const DAY_MS = 86_400_000;

/**
 * Entries per pool. The body property sends most writes from the authorized
 * quarter of the pool, so one entry per 8 runs gives each principal about
 * 24 writes in the whole run on average. fast-check picks entries unevenly,
 * so the average stays well below the write limit of 60 per minute.
 */
export function poolSize(runs: number): number {
	return Math.max(256, Math.ceil(runs / 8));
}

function utc(epochMs: number): string {
	return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Generates a pin: absent, equal to the certificate's value in an accepted spelling
 * (mostly), or different from it.
 */
function pin(
	matching: readonly (string | undefined)[],
	different: readonly string[],
): fc.Arbitrary<string | undefined> {
	return fc.oneof(
		{ weight: 8, arbitrary: fc.constantFrom(...matching) },
		{ weight: 1, arbitrary: fc.constantFrom(...different) },
	);
}

/** Other CA key identifier and serial: fixed values no generated certificate carries. */
const otherSki = "0123456789ABCDEF0123456789ABCDEF01234567";
const otherSerial = "7FFFFFFFFFFFFFFF01";

function validRecord(certificate: TlsClientAuthData, principal: string, now: number) {
	const issuerDN = certificate.certIssuerDNRFC2253 as string;
	const issuerSKI = certificate.certIssuerSKI as string;
	const serial = certificate.certSerial as string;

	return fc
		.record({
			tenantId: fc.constantFrom(...TENANTS),
			scopes: fc.subarray([...SCOPES]),
			status: fc.oneof(
				{ weight: 8, arbitrary: fc.constant("active") },
				{ weight: 2, arbitrary: fc.constantFrom("disabled", "revoked") },
			),
			issuerDN: pin(
				[undefined, issuerDN],
				[issuerDN.toLowerCase(), issuerDN.replaceAll(",", ", "), "CN=Other CA,O=Other"],
			),
			issuerSKI: pin(
				[undefined, issuerSKI, issuerSKI.replaceAll(":", ""), issuerSKI.toLowerCase()],
				[otherSki, `${issuerSKI}:00`],
			),
			serial: pin(
				[undefined, serial, serial.replace(/^0+/, "") || "0", `000${serial}`, serial.toLowerCase()],
				[otherSerial, `${serial}0`],
			),
			expiresInDays: fc.oneof(
				{ weight: 3, arbitrary: fc.constant(null) },
				{ weight: 2, arbitrary: fc.integer({ min: 1, max: 3650 }) },
				{ weight: 1, arbitrary: fc.integer({ min: -3650, max: -1 }) },
			),
		})
		.map((parts): IdentityRecordData => {
			const record: Record<string, unknown> = {
				version: 1,
				principal,
				tenantId: parts.tenantId,
				scopes: parts.scopes,
				status: parts.status,
			};
			if (parts.issuerDN !== undefined) record.issuerDN = parts.issuerDN;
			if (parts.issuerSKI !== undefined) record.issuerSKI = parts.issuerSKI;
			if (parts.serial !== undefined) record.serial = parts.serial;
			if (parts.expiresInDays !== null) record.expiresAt = utc(now + parts.expiresInDays * DAY_MS);
			return record as unknown as IdentityRecordData;
		});
}

/** Values that are not valid records; each must make the Worker fail closed with 500. */
const CORRUPTIONS: readonly (readonly [string, (record: IdentityRecordData) => string])[] = [
	["unknown key", (record) => JSON.stringify({ ...record, role: "admin" })],
	[
		"__proto__ key",
		(record) => JSON.stringify(record).replace(/^\{/, '{"__proto__":{"scopes":["orders:write"]},'),
	],
	["version 2", (record) => JSON.stringify({ ...record, version: 2 })],
	["version as string", (record) => JSON.stringify({ ...record, version: "1" })],
	[
		"uppercase tenant",
		(record) => JSON.stringify({ ...record, tenantId: record.tenantId.toUpperCase() }),
	],
	[
		"duplicate scope",
		(record) => JSON.stringify({ ...record, scopes: ["orders:read", "orders:read"] }),
	],
	[
		"scopes as string",
		(record) => JSON.stringify({ ...record, scopes: "orders:read orders:write" }),
	],
	["status in capitals", (record) => JSON.stringify({ ...record, status: "ACTIVE" })],
	[
		"impossible expiry date",
		(record) => JSON.stringify({ ...record, expiresAt: "2099-02-30T00:00:00Z" }),
	],
	[
		"expiry with offset",
		(record) => JSON.stringify({ ...record, expiresAt: "2099-01-01T00:00:00+01:00" }),
	],
	["invalid SKI pin", (record) => JSON.stringify({ ...record, issuerSKI: "not-hex" })],
	["empty principal", (record) => JSON.stringify({ ...record, principal: "" })],
	["truncated JSON", (record) => JSON.stringify(record).slice(0, -1)],
	["empty value", () => ""],
	["null", () => "null"],
	["array", (record) => JSON.stringify([record])],
];

function poolEntry(index: number, tag: string, now: number): fc.Arbitrary<PoolEntry> {
	const principal = `prop-${tag}-${index}`;
	return validCertificate(now).chain((certificate) =>
		fc
			.oneof(
				{
					weight: 16,
					arbitrary: validRecord(certificate, principal, now).map(
						(record): StoredIdentity => ({ kind: "valid", record }),
					),
				},
				{
					weight: 2,
					arbitrary: fc
						.tuple(validRecord(certificate, principal, now), fc.constantFrom(...CORRUPTIONS))
						.map(
							([record, [corruption, corrupt]]): StoredIdentity => ({
								kind: "invalid",
								corruption,
								text: corrupt(record),
							}),
						),
				},
				{ weight: 1, arbitrary: fc.constant<StoredIdentity>({ kind: "absent" }) },
			)
			.map((stored) => ({ certificate, stored })),
	);
}

/**
 * Generates the pool from a fixed seed, so a failure replays with the same
 * stored state, and writes it and the planted orders to local KV.
 */
export async function seedPool(
	tag: string,
	size: number,
	seed: number,
	now: number,
): Promise<Pool> {
	const entries = Array.from(
		{ length: size },
		(_, index) =>
			fc.sample(poolEntry(index, tag, now), { numRuns: 1, seed: seed + index })[0] as PoolEntry,
	);

	const identities = new Map<string, StoredIdentity>();
	await Promise.all(
		entries.map(async ({ certificate, stored }) => {
			const fingerprint = certificate.certFingerprintSHA256 as string;
			identities.set(fingerprint, stored);
			if (stored.kind !== "absent") {
				const text = stored.kind === "valid" ? JSON.stringify(stored.record) : stored.text;
				await env.IDENTITIES.put(`cert:sha256:${fingerprint}`, text);
			}
		}),
	);

	return { entries, world: { identities, orders: await plantOrders(tag) } };
}

/** Two orders per tenant, plus one stored under a tenant's key whose value names another tenant. */
async function plantOrders(tag: string): Promise<Map<string, PlantedOrder>> {
	const orders = new Map<string, PlantedOrder>();
	for (const [position, keyTenant] of TENANTS.entries()) {
		const crossTenant = TENANTS[(position + 1) % TENANTS.length] as string;
		for (const valueTenant of [keyTenant, keyTenant, crossTenant]) {
			const id = crypto.randomUUID();
			const value = {
				id,
				tenantId: valueTenant,
				sku: `sku-${tag}`,
				quantity: 1,
				createdBy: `prop-${tag}-planted`,
				createdAt: "2026-01-01T00:00:00Z",
			};
			await env.ORDERS.put(`tenant:${keyTenant}:order:${id}`, JSON.stringify(value));
			orders.set(id, { id, keyTenant, valueTenant, value });
		}
	}
	return orders;
}
