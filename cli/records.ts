/**
 * Builds and validates identity records with the Worker's own schema module,
 * so the CLI never writes a record that the Worker would reject. This file
 * only turns schema issues into messages an operator can act on.
 */
import * as v from "valibot";
import {
	IDENTITY_RECORD_VERSION,
	type IdentityRecord,
	IdentityRecordSchema,
	PRINCIPAL_FORMAT,
	PrincipalSchema,
	parseIdentityRecord,
	SCOPE_FORMAT,
	ScopeSchema,
	TENANT_ID_FORMAT,
	TenantIdSchema,
	UtcTimestampSchema,
} from "../src/identity/record.ts";
import { UserError } from "./errors.ts";

export { IDENTITY_RECORD_VERSION, type IdentityRecord, parseIdentityRecord };

/** Checks one option value against a field schema of the record module. */
function checkField<T>(
	schema: v.GenericSchema<string, T>,
	value: string,
	option: string,
	format: RegExp | undefined,
): T {
	const result = v.safeParse(schema, value);
	if (result.success) {
		return result.output;
	}

	const reason = result.issues[0]?.message ?? "invalid value";
	const expected = format === undefined ? "" : `; expected ${format.source}`;
	throw new UserError(`${option} "${value}" is invalid: ${reason}${expected}`);
}

export function checkPrincipal(value: string, option = "--principal"): string {
	return checkField(PrincipalSchema, value, option, PRINCIPAL_FORMAT);
}

export function checkTenantId(value: string, option = "--tenant"): string {
	return checkField(TenantIdSchema, value, option, TENANT_ID_FORMAT);
}

export function checkScope(value: string, option = "--scope"): string {
	return checkField(ScopeSchema, value, option, SCOPE_FORMAT);
}

/** Checks an expiry given as a UTC timestamp, or as a date that means midnight UTC. */
export function checkExpiry(value: string, option = "--expires"): string {
	const timestamp = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
	return checkField(UtcTimestampSchema, timestamp, option, undefined);
}

/**
 * Validates a whole record with the Worker's schema. `context` names the
 * record in the message, for example the row of an import file.
 */
export function validateRecord(candidate: unknown, context: string): IdentityRecord {
	const result = v.safeParse(IdentityRecordSchema, candidate);
	if (result.success) {
		return result.output;
	}

	const problems = result.issues.map((issue) => {
		const path = v.getDotPath(issue);
		return path === null ? issue.message : `${path}: ${issue.message}`;
	});
	throw new UserError(`${context} is not a valid identity record: ${problems.join("; ")}`);
}

/**
 * Serialises a record with its keys in the schema's order, so stored values
 * and `--dry-run` output read the same way every time.
 */
export function serializeRecord(record: IdentityRecord): string {
	const ordered: Record<string, unknown> = {};
	for (const key of Object.keys(IdentityRecordSchema.entries)) {
		const value = record[key as keyof IdentityRecord];
		if (value !== undefined) {
			ordered[key] = value;
		}
	}
	return JSON.stringify(ordered);
}
