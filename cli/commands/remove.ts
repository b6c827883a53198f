import { type CliContext, describeTarget, openStore, printResult } from "../context.ts";
import { UserError } from "../errors.ts";
import { loadIdentity } from "../identities.ts";
import { buildWranglerArgs } from "../kv.ts";
import {
	fingerprintFromSelector,
	OUTPUT_OPTIONS,
	parseCommandArgs,
	SELECTOR_HELP,
	SELECTOR_OPTIONS,
	TARGET_HELP,
	TARGET_OPTIONS,
	targetFrom,
} from "../options.ts";
import { describePropagation, loadPropagationDelay } from "../propagation.ts";
import { describeArgs } from "../wrangler.ts";

export const REMOVE_HELP = `Usage: identity remove (--cert FILE | --fingerprint FP) [options]

Deletes the record of a certificate: the Worker then responds with
403 identity_not_found. Unlike disable or revoke, nothing records that the
certificate was once known; prefer revoke for a compromised certificate.
Also removes a stored value that is not a valid record.

${SELECTOR_HELP}
Safety:
  --dry-run            Print the wrangler command; delete nothing
${TARGET_HELP}

Example:
  npm run identity -- remove --fingerprint 5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592`;

const OPTIONS = {
	...TARGET_OPTIONS,
	...OUTPUT_OPTIONS,
	...SELECTOR_OPTIONS,
	"dry-run": { type: "boolean" },
} as const;

export async function runRemove(argv: readonly string[], context: CliContext): Promise<void> {
	const { values } = parseCommandArgs(argv, OPTIONS, false);
	if (values.help === true) {
		context.stdout(REMOVE_HELP);
		return;
	}

	const target = targetFrom(values);
	const fingerprint = await fingerprintFromSelector(values);
	const store = openStore(context, target);
	const stored = await loadIdentity(store, fingerprint);
	if (stored === undefined) {
		throw new UserError(`no identity for fingerprint ${fingerprint} in ${describeTarget(target)}`);
	}

	const dryRun = values["dry-run"] === true;
	if (!dryRun) {
		await store.delete(stored.key);
	}

	const propagation = await loadPropagationDelay(context.readWorkerVars, target);
	const command = describeArgs([
		"wrangler",
		...buildWranglerArgs({ kind: "delete", key: stored.key }, target),
	]);
	const headline = `${dryRun ? "Would remove" : "Removed"} ${stored.key} from ${describeTarget(target)}.`;

	printResult(
		context,
		values.json,
		{
			action: "remove",
			dryRun,
			target: describeTarget(target),
			key: stored.key,
			fingerprint,
			...(dryRun ? { command } : {}),
			propagation: { ...propagation, advice: describePropagation(propagation, fingerprint) },
		},
		[
			headline,
			...(dryRun ? [`Command: ${command}`] : []),
			"",
			describePropagation(propagation, fingerprint),
		].join("\n"),
	);
}
