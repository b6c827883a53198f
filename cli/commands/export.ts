import { writeFile } from "node:fs/promises";
import { type CliContext, describeTarget, openStore } from "../context.ts";
import { UserError } from "../errors.ts";
import { loadAllIdentities } from "../identities.ts";
import {
	OUTPUT_OPTIONS,
	parseCommandArgs,
	TARGET_HELP,
	TARGET_OPTIONS,
	targetFrom,
} from "../options.ts";
import { formatCsvRows, formatJsonRows } from "../transfer/rows.ts";

export const EXPORT_HELP = `Usage: identity export [--format json|csv] [--output FILE] [options]

Prints every identity record in the format \`import\` reads, sorted by tenant
and principal. Fails if any key under cert:sha256: contains a value the Worker
cannot use, unless --skip-invalid is given.

Options:
  --format json|csv    Output format (default: json; --json also selects json)
  --output FILE        Write to FILE instead of standard output
  --skip-invalid       Leave out unusable entries, with a warning for each on stderr
${TARGET_HELP}

Example:
  npm run identity -- export --remote --format csv --output identities.csv`;

const OPTIONS = {
	...TARGET_OPTIONS,
	...OUTPUT_OPTIONS,
	format: { type: "string" },
	output: { type: "string" },
	"skip-invalid": { type: "boolean" },
} as const;

export async function runExport(argv: readonly string[], context: CliContext): Promise<void> {
	const { values } = parseCommandArgs(argv, OPTIONS, false);
	if (values.help === true) {
		context.stdout(EXPORT_HELP);
		return;
	}

	const target = targetFrom(values);
	const format = values.format ?? "json";
	if (format !== "json" && format !== "csv") {
		throw new UserError(`--format "${format}" is invalid; use json or csv`);
	}
	if (values.json === true && format !== "json") {
		throw new UserError("--json and --format csv contradict each other; use one");
	}

	const { identities, invalid } = await loadAllIdentities(openStore(context, target));
	const problems = invalid.map((entry) => `${entry.key}: ${entry.reason}`);
	if (problems.length > 0 && values["skip-invalid"] !== true) {
		const count = problems.length === 1 ? "1 entry" : `${problems.length} entries`;
		throw new UserError(
			`${describeTarget(target)} contains ${count} that the Worker cannot use; fix or remove ` +
				`them, or pass --skip-invalid:\n  ${problems.join("\n  ")}`,
		);
	}
	for (const problem of problems) {
		context.stderr(`warning: skipped ${problem}`);
	}

	const text = format === "json" ? `${formatJsonRows(identities)}\n` : formatCsvRows(identities);
	if (values.output === undefined) {
		context.stdout(text.trimEnd());
		return;
	}

	try {
		await writeFile(values.output, text);
	} catch (error) {
		throw new UserError(
			`cannot write ${values.output}: ${(error as NodeJS.ErrnoException).code ?? "write failed"}`,
		);
	}
	context.stderr(
		`Exported ${identities.length} identities from ${describeTarget(target)} to ${values.output}.`,
	);
}
