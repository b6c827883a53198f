#!/usr/bin/env -S node --experimental-strip-types --disable-warning=ExperimentalWarning
/**
 * Identity CLI: maps client certificates to identities in the IDENTITIES KV
 * namespace that the Worker reads. Run `identity --help` for the commands.
 *
 * Exit codes: 0 success, 1 user error (bad option, file or record),
 * 2 KV or wrangler failure, or an unexpected error.
 */
import { runAdd } from "./commands/add.ts";
import { runExport } from "./commands/export.ts";
import { runFingerprint } from "./commands/fingerprint.ts";
import { runImport } from "./commands/import.ts";
import { runList } from "./commands/list.ts";
import { runRemove } from "./commands/remove.ts";
import { runRotate } from "./commands/rotate.ts";
import { runShow } from "./commands/show.ts";
import { runDisable, runEnable, runRevoke } from "./commands/status.ts";
import { type CliContext, processContext } from "./context.ts";
import { EXIT_KV_FAILURE, EXIT_SUCCESS, EXIT_USER_ERROR, isCliError } from "./errors.ts";

type CommandRunner = (argv: readonly string[], context: CliContext) => Promise<void>;

const COMMANDS: Readonly<
	Record<string, { readonly run: CommandRunner; readonly summary: string }>
> = {
	add: { run: runAdd, summary: "Map a certificate to a principal, tenant and scopes" },
	show: { run: runShow, summary: "Print the record of a certificate or fingerprint" },
	list: { run: runList, summary: "List records, optionally of one tenant or principal" },
	disable: { run: runDisable, summary: "Stop authorizing a certificate (reversible with enable)" },
	enable: { run: runEnable, summary: "Authorize a disabled certificate again" },
	revoke: { run: runRevoke, summary: "Stop authorizing a certificate for good" },
	remove: { run: runRemove, summary: "Delete the record of a certificate" },
	rotate: { run: runRotate, summary: "Give a new certificate the identity of an old one" },
	import: { run: runImport, summary: "Write many records from a JSON or CSV file, all or none" },
	export: { run: runExport, summary: "Print every record as JSON or CSV" },
	fingerprint: { run: runFingerprint, summary: "Print a certificate's SHA-256 fingerprint" },
};

function usage(): string {
	const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
	const lines = Object.entries(COMMANDS).map(
		([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`,
	);
	return [
		"Usage: identity <command> [options]",
		"       npm run identity -- <command> [options]",
		"",
		"Commands:",
		...lines,
		"",
		"Every command takes --help. KV commands use local KV unless --remote is given.",
		"Exit codes: 0 success, 1 user error, 2 KV or wrangler failure.",
		"",
		"Example:",
		"  npm run identity -- add --cert client.pem --principal svc-billing --tenant acme --scope orders:read",
	].join("\n");
}

/** Runs one command line and returns the exit code. */
export async function main(argv: readonly string[], context: CliContext): Promise<number> {
	const [name, ...rest] = argv;

	if (name === undefined) {
		context.stderr(usage());
		return EXIT_USER_ERROR;
	}
	if (name === "--help" || name === "-h" || name === "help") {
		context.stdout(usage());
		return EXIT_SUCCESS;
	}

	const command = COMMANDS[name];
	if (command === undefined || !Object.hasOwn(COMMANDS, name)) {
		context.stderr(`error: unknown command "${name}"\n\n${usage()}`);
		return EXIT_USER_ERROR;
	}

	try {
		await command.run(rest, context);
		return EXIT_SUCCESS;
	} catch (error) {
		if (isCliError(error)) {
			report(context, rest, error.message);
			return error.exitCode;
		}
		// A bug, not bad input: keep the stack for the report.
		report(context, rest, `unexpected error: ${(error as Error).stack ?? String(error)}`);
		return EXIT_KV_FAILURE;
	}
}

/** Prints an error on stderr: a JSON document with --json, else one `error:` line. */
function report(context: CliContext, argv: readonly string[], message: string): void {
	if (argv.includes("--json")) {
		context.stderr(JSON.stringify({ error: message }));
	} else {
		context.stderr(`error: ${message}`);
	}
}

if (import.meta.main) {
	process.exitCode = await main(process.argv.slice(2), processContext);
}
