/**
 * The file format of `import` and `export`: one row per identity, the record's
 * fields plus its fingerprint. JSON files hold an array of row objects; CSV
 * files have a header line with the column names below (no version column:
 * the current version applies), and list scopes separated by spaces in one
 * field.
 */
import { identityKey } from "../../src/identity/record.ts";
import { UserError } from "../errors.ts";
import { normalizeFingerprint } from "../fingerprint.ts";
import { IDENTITY_RECORD_VERSION, type IdentityRecord, validateRecord } from "../records.ts";
import { formatCsv, parseCsv } from "./csv.ts";

export const CSV_COLUMNS = [
	"fingerprint",
	"principal",
	"tenantId",
	"scopes",
	"status",
	"issuerDN",
	"issuerSKI",
	"serial",
	"expiresAt",
] as const;

type Column = (typeof CSV_COLUMNS)[number];

/** One validated row, ready to write. */
export interface IdentityRow {
	readonly key: string;
	readonly fingerprint: string;
	readonly record: IdentityRecord;
	/** Origin of the row, for messages: "rows.csv, line 3". */
	readonly origin: string;
}

/** The result of reading a file: every valid row, and a message for every invalid one. */
export interface ParsedRows {
	readonly rows: IdentityRow[];
	readonly errors: string[];
}

/**
 * Turns one row object into a validated record. `version` may be left out and
 * defaults to the current one; `status` defaults to `active`. Every other key
 * goes to the Worker's strict schema, so a misspelt column is an error.
 */
function rowFromObject(input: unknown, origin: string): IdentityRow {
	if (typeof input !== "object" || input === null || Array.isArray(input)) {
		throw new UserError(
			`${origin}: expected an object with fingerprint, principal, tenantId and scopes`,
		);
	}

	const { fingerprint, ...fields } = input as Record<string, unknown>;
	if (typeof fingerprint !== "string") {
		throw new UserError(`${origin}: fingerprint is missing or not a string`);
	}

	let normalized: string;
	try {
		normalized = normalizeFingerprint(fingerprint);
	} catch (error) {
		throw new UserError(`${origin}: ${(error as Error).message}`);
	}

	const record = validateRecord(
		{ version: IDENTITY_RECORD_VERSION, status: "active", ...fields },
		origin,
	);
	return { key: identityKey(normalized), fingerprint: normalized, record, origin };
}

/** Validates every row and collects all problems, duplicate fingerprints included. */
function collectRows(entries: ReadonlyArray<{ input: unknown; origin: string }>): ParsedRows {
	const rows: IdentityRow[] = [];
	const errors: string[] = [];
	const firstOrigin = new Map<string, string>();

	for (const { input, origin } of entries) {
		try {
			const row = rowFromObject(input, origin);
			const earlier = firstOrigin.get(row.fingerprint);
			if (earlier !== undefined) {
				errors.push(`${origin}: fingerprint ${row.fingerprint} already appears in ${earlier}`);
				continue;
			}
			firstOrigin.set(row.fingerprint, origin);
			rows.push(row);
		} catch (error) {
			if (!(error instanceof UserError)) throw error;
			errors.push(error.message);
		}
	}

	return { rows, errors };
}

export function parseJsonRows(text: string, source: string): ParsedRows {
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch (error) {
		throw new UserError(`${source} is not valid JSON: ${(error as Error).message}`);
	}
	if (!Array.isArray(parsed)) {
		throw new UserError(`${source} must contain a JSON array of identity rows`);
	}

	return collectRows(
		parsed.map((input, index) => ({ input, origin: `${source}, item ${index + 1}` })),
	);
}

export function parseCsvRows(text: string, source: string): ParsedRows {
	const [header, ...lines] = parseCsv(text, source);
	if (header === undefined) {
		throw new UserError(`${source} is empty; expected a header line: ${CSV_COLUMNS.join(",")}`);
	}

	const unknown = header.filter((name) => !(CSV_COLUMNS as readonly string[]).includes(name));
	if (unknown.length > 0) {
		throw new UserError(
			`${source}: unknown column ${unknown.map((name) => `"${name}"`).join(", ")}; the columns are ${CSV_COLUMNS.join(",")}`,
		);
	}

	const shapeErrors: string[] = [];
	const entries: Array<{ input: unknown; origin: string }> = [];
	for (const [index, fields] of lines.entries()) {
		// Line numbers count the header; a quoted line break would shift them,
		// but no valid field contains one.
		const origin = `${source}, line ${index + 2}`;
		if (fields.length !== header.length) {
			shapeErrors.push(`${origin}: has ${fields.length} fields, the header has ${header.length}`);
			continue;
		}
		entries.push({ input: objectFromFields(header as Column[], fields), origin });
	}

	const parsed = collectRows(entries);
	return { rows: parsed.rows, errors: [...shapeErrors, ...parsed.errors] };
}

/** Builds a row object from CSV fields: empty fields are left out, scopes are split on spaces. */
function objectFromFields(
	columns: readonly Column[],
	fields: readonly string[],
): Record<string, unknown> {
	const object: Record<string, unknown> = {};
	for (const [index, column] of columns.entries()) {
		const field = fields[index] as string;
		if (column === "scopes") {
			object.scopes = field.trim() === "" ? [] : field.trim().split(/\s+/);
		} else if (field !== "") {
			object[column] = field;
		}
	}
	return object;
}

/** Formats rows as a JSON array, the format `import` reads back. */
export function formatJsonRows(
	rows: ReadonlyArray<{ fingerprint: string; record: IdentityRecord }>,
): string {
	return JSON.stringify(
		rows.map(({ fingerprint, record }) => ({ fingerprint, ...record })),
		null,
		2,
	);
}

/** Formats rows as CSV with a header line, the format `import` reads back. */
export function formatCsvRows(
	rows: ReadonlyArray<{ fingerprint: string; record: IdentityRecord }>,
): string {
	const lines = rows.map(({ fingerprint, record }) =>
		CSV_COLUMNS.map((column) => {
			if (column === "fingerprint") return fingerprint;
			if (column === "scopes") return record.scopes.join(" ");
			return record[column] ?? "";
		}),
	);
	return formatCsv([[...CSV_COLUMNS], ...lines]);
}
