/** Text forms of records for the human-readable output. */
import type { IdentityRecord } from "./records.ts";

/** Formats a record as aligned `field  value` lines under its KV key. */
export function formatRecord(key: string, record: IdentityRecord): string {
	const lines = [
		key,
		`  principal  ${record.principal}`,
		`  tenant     ${record.tenantId}`,
		`  scopes     ${record.scopes.length === 0 ? "(none)" : record.scopes.join(" ")}`,
		`  status     ${record.status}`,
	];

	if (record.issuerDN !== undefined) lines.push(`  issuerDN   ${record.issuerDN}`);
	if (record.issuerSKI !== undefined) lines.push(`  issuerSKI  ${record.issuerSKI}`);
	if (record.serial !== undefined) lines.push(`  serial     ${record.serial}`);
	if (record.expiresAt !== undefined) lines.push(`  expiresAt  ${record.expiresAt}`);

	return lines.join("\n");
}

/** Formats a record on one line, for lists. */
export function formatRecordLine(fingerprint: string, record: IdentityRecord): string {
	const expiry = record.expiresAt === undefined ? "" : ` expires ${record.expiresAt}`;
	return `${fingerprint}  ${record.status.padEnd(8)}  ${record.tenantId}/${record.principal}  ${record.scopes.join(",")}${expiry}`;
}
