/**
 * The stored state that the oracle reads: the identity records and orders
 * that a property file writes to local KV before its runs. It is plain data,
 * so a counterexample prints readably.
 */

/** Tenants of the generated identities; all are valid tenant ids. */
export const TENANTS = ["acme", "globex", "acme-eu", "a1"] as const;

/** Scopes a generated identity may hold; the last two grant nothing in the example API. */
export const SCOPES = ["orders:read", "orders:write", "orders:admin", "billing:read"] as const;

/** An identity record as the spec defines it, with its optional pins. */
export interface IdentityRecordData {
	readonly version: 1;
	readonly principal: string;
	readonly tenantId: string;
	readonly scopes: readonly string[];
	readonly status: "active" | "disabled" | "revoked";
	readonly issuerDN?: string;
	readonly issuerSKI?: string;
	readonly serial?: string;
	readonly expiresAt?: string;
}

/** What is stored under a fingerprint: nothing, a valid record, or a value that is not a valid record. */
export type StoredIdentity =
	| { readonly kind: "absent" }
	| { readonly kind: "valid"; readonly record: IdentityRecordData }
	| { readonly kind: "invalid"; readonly corruption: string; readonly text: string };

/** An order planted in ORDERS before the runs. */
export interface PlantedOrder {
	readonly id: string;
	/** Tenant in the KV key. */
	readonly keyTenant: string;
	/** Tenant inside the stored value; differs from `keyTenant` for a planted cross-tenant object. */
	readonly valueTenant: string;
	readonly value: Record<string, unknown>;
}

export interface World {
	readonly identities: ReadonlyMap<string, StoredIdentity>;
	readonly orders: ReadonlyMap<string, PlantedOrder>;
}
