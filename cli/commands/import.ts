import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { type CliContext, describeTarget, openStore, printResult } from "../context.ts";
import { UserError } from "../errors.ts";
import { BULK_PUT_MAX_ENTRIES, buildWranglerArgs } from "../kv.ts";
import {
	OUTPUT_OPTIONS,
	parseCommandArgs,
	TARGET_HELP,
	TARGET_OPTIONS,
	targetFrom,
} from "../options.ts";
import { serializeRecord } from "../records.ts";
import { CSV_COLUMNS, type ParsedRows, parseCsvRows, parseJsonRows } from "../transfer/rows.ts";
import { describeArgs } from "../wrangler.ts";

export const IMPORT_HELP = `Usage: identity import FILE [--format json|csv] [--force] [--dry-run] [options]

Writes identity records from a JSON or CSV file, all or none: every row is
validated, and checked against existing records, before anything is written;
then all rows go out in one \`wrangler kv bulk put\` request (at most
${BULK_PUT_MAX_ENTRIES} rows per file).

JSON: an array of objects such as
  {"fingerprint": "…", "principal": "svc-billing", "tenantId": "acme",
   "scopes": ["orders:read"], "status": "active"}
CSV: a header line with some of ${CSV_COLUMNS.join(",")}
  and scopes separated by spaces. \`export\` writes both formats.
The fingerprint may be in any common form; status defaults to active.

Options:
  --format json|csv    File format (default: from the .json or .csv extension)
  --force              Overwrite existing records (otherwise any existing key is an error)
  --dry-run            Validate and print what would be written; write nothing
${TARGET_HELP}

Example:
  npm run identity -- import identities.csv --remote --dry-run`;

const OPTIONS = {
	...TARGET_OPTIONS,
	...OUTPUT_OPTIONS,
	format: { type: "string" },
	force: { type: "boolean" },
	"dry-run": { type: "boolean" },
} as const;

/** How many problems an error message lists before it only counts the rest. */
const MAX_LISTED_PROBLEMS = 20;

export async function runImport(argv: readonly string[], context: CliContext): Promise<void> {
	const { values, positionals } = parseCommandArgs(argv, OPTIONS, true);
	if (values.help === true) {
		context.stdout(IMPORT_HELP);
		return;
	}
	if (positionals.length !== 1) {
		throw new UserError("import takes exactly one FILE; run with --help for usage");
	}

	const target = targetFrom(values);
	const file = positionals[0] as string;
	const parsed = parseRows(await readText(file), file, formatOf(file, values.format));

	if (parsed.errors.length > 0) {
		throw new UserError(`nothing was written; ${listProblems(parsed.errors)}`);
	}
	if (parsed.rows.length === 0) {
		throw new UserError(`${file} has no rows; nothing was written`);
	}
	if (parsed.rows.length > BULK_PUT_MAX_ENTRIES) {
		throw new UserError(
			`${file} has ${parsed.rows.length} rows; split it into files of at most ${BULK_PUT_MAX_ENTRIES}, ` +
				"so that each import is written in one request",
		);
	}

	const store = openStore(context, target);
	const existing = await store.getMany(parsed.rows.map((row) => row.key));
	const replaced = parsed.rows.filter((row) => existing.get(row.key) !== null);
	if (replaced.length > 0 && values.force !== true) {
		throw new UserError(
			`nothing was written; ${listProblems(replaced.map((row) => `${row.origin}: ${row.key} already exists`))}. ` +
				"Pass --force to overwrite them",
		);
	}

	const entries = parsed.rows.map((row) => ({ key: row.key, value: serializeRecord(row.record) }));
	const dryRun = values["dry-run"] === true;
	if (!dryRun) {
		await store.putMany(entries);
	}

	const command = describeArgs([
		"wrangler",
		...buildWranglerArgs({ kind: "bulk-put", file: "<temporary file>" }, target),
	]);
	const verb = dryRun ? "Would import" : "Imported";
	printResult(
		context,
		values.json,
		{
			action: "import",
			dryRun,
			target: describeTarget(target),
			written: dryRun ? 0 : entries.length,
			replaced: replaced.map((row) => row.key),
			entries: dryRun ? entries : undefined,
			...(dryRun ? { command } : {}),
		},
		[
			`${verb} ${entries.length} identities into ${describeTarget(target)} (${replaced.length} replaced).`,
			...(dryRun
				? [...entries.map((entry) => `${entry.key} ${entry.value}`), `Command: ${command}`]
				: []),
		].join("\n"),
	);
}

async function readText(file: string): Promise<string> {
	try {
		return await readFile(file, "utf8");
	} catch (error) {
		throw new UserError(
			`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? "read failed"}`,
		);
	}
}

function formatOf(file: string, format: string | undefined): "json" | "csv" {
	const chosen = format ?? extname(file).slice(1).toLowerCase();
	if (chosen === "json" || chosen === "csv") {
		return chosen;
	}
	throw new UserError(
		format === undefined
			? `cannot tell the format of ${file} from its extension; pass --format json or --format csv`
			: `--format "${format}" is invalid; use json or csv`,
	);
}

function parseRows(text: string, file: string, format: "json" | "csv"): ParsedRows {
	if (text.trim() === "") {
		throw new UserError(`${file} is empty; nothing was written`);
	}
	return format === "json" ? parseJsonRows(text, file) : parseCsvRows(text, file);
}

function listProblems(problems: readonly string[]): string {
	const listed = problems
		.slice(0, MAX_LISTED_PROBLEMS)
		.map((problem) => `\n  ${problem}`)
		.join("");
	const more =
		problems.length > MAX_LISTED_PROBLEMS
			? `\n  … and ${problems.length - MAX_LISTED_PROBLEMS} more`
			: "";
	return `${problems.length} problem${problems.length === 1 ? "" : "s"}:${listed}${more}`;
}
