/**
 * The caller's identity as the rest of the pipeline uses it: a validated KV
 * record, with its pins normalised once when the record is read.
 */
import {
	type IdentityRecord,
	type IdentityStatus,
	normalizeKeyIdentifier,
	normalizeSerial,
} from "./record.ts";

export interface Identity {
	readonly principal: string;
	readonly tenantId: string;
	readonly scopes: ReadonlySet<string>;
	readonly status: IdentityStatus;
	readonly pins: {
		readonly issuerDN: string | undefined;
		readonly issuerSKI: string | undefined;
		readonly serial: string | undefined;
	};
	/** Epoch milliseconds after which the mapping no longer authorizes, or `undefined`. */
	readonly expiresAtMs: number | undefined;
}

export function toIdentity(record: IdentityRecord): Identity {
	return {
		principal: record.principal,
		tenantId: record.tenantId,
		scopes: new Set(record.scopes),
		status: record.status,
		pins: {
			issuerDN: record.issuerDN,
			issuerSKI:
				record.issuerSKI === undefined ? undefined : normalizeKeyIdentifier(record.issuerSKI),
			serial: record.serial === undefined ? undefined : normalizeSerial(record.serial),
		},
		expiresAtMs: record.expiresAt === undefined ? undefined : Date.parse(record.expiresAt),
	};
}
