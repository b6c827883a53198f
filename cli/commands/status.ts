import { type CliContext, describeTarget, openStore, printResult } from "../context.ts";
import { UserError } from "../errors.ts";
import { formatRecord } from "../format.ts";
import { requireIdentity } from "../identities.ts";
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
import { type IdentityRecord, serializeRecord, validateRecord } from "../records.ts";
import { describeArgs } from "../wrangler.ts";

type Status = IdentityRecord["status"];

interface StatusChange {
	readonly command: "disable" | "enable" | "revoke";
	readonly status: Status;
	readonly description: string;
	/** `true` when the change stops a certificate from working, so the propagation delay matters. */
	readonly denies: boolean;
}

const OPTIONS = {
	...TARGET_OPTIONS,
	...OUTPUT_OPTIONS,
	...SELECTOR_OPTIONS,
	force: { type: "boolean" },
	"dry-run": { type: "boolean" },
} as const;

function helpFor(change: StatusChange): string {
	return `Usage: identity ${change.command} (--cert FILE | --fingerprint FP) [options]

${change.description}

${SELECTOR_HELP}
Safety:
  --force              Change a revoked record too (revoked is otherwise final)
  --dry-run            Print the new record and the wrangler command; write nothing
${TARGET_HELP}

Example:
  npm run identity -- ${change.command} --cert client.pem --remote`;
}

const DISABLE: StatusChange = {
	command: "disable",
	status: "disabled",
	description:
		"Sets the record's status to disabled: the Worker responds with 403 identity_disabled.\n" +
		"Undo with enable. Prints how long the change can take to reach every location.",
	denies: true,
};

const ENABLE: StatusChange = {
	command: "enable",
	status: "active",
	description: "Sets a disabled record's status back to active.",
	denies: false,
};

const REVOKE: StatusChange = {
	command: "revoke",
	status: "revoked",
	description:
		"Sets the record's status to revoked: the Worker responds with 403 identity_revoked, and\n" +
		"enable refuses to undo it without --force. Prints how long the change can take to\n" +
		"reach every location and how to revoke the certificate itself at Cloudflare.",
	denies: true,
};

export const runDisable = (argv: readonly string[], context: CliContext) =>
	changeStatus(DISABLE, argv, context);
export const runEnable = (argv: readonly string[], context: CliContext) =>
	changeStatus(ENABLE, argv, context);
export const runRevoke = (argv: readonly string[], context: CliContext) =>
	changeStatus(REVOKE, argv, context);

async function changeStatus(
	change: StatusChange,
	argv: readonly string[],
	context: CliContext,
): Promise<void> {
	const { values } = parseCommandArgs(argv, OPTIONS, false);
	if (values.help === true) {
		context.stdout(helpFor(change));
		return;
	}

	const target = targetFrom(values);
	const fingerprint = await fingerprintFromSelector(values);
	const store = openStore(context, target);
	const stored = await requireIdentity(store, fingerprint, describeTarget(target));
	const previous = stored.record.status;

	if (previous === "revoked" && change.status !== "revoked" && values.force !== true) {
		throw new UserError(
			`${stored.key} is revoked, and revoked is final; pass --force to set it to ${change.status} anyway`,
		);
	}

	const record = validateRecord({ ...stored.record, status: change.status }, "the changed record");
	const value = serializeRecord(record);
	const unchanged = previous === change.status;
	const dryRun = values["dry-run"] === true;

	if (!unchanged && !dryRun) {
		await store.put(stored.key, value);
	}

	const propagation = change.denies
		? await loadPropagationDelay(context.readWorkerVars, target)
		: undefined;
	const command = describeArgs([
		"wrangler",
		...buildWranglerArgs({ kind: "put", key: stored.key, value }, target),
	]);
	const headline = unchanged
		? `${stored.key} is already ${change.status}; nothing written.`
		: `${dryRun ? "Would set" : "Set"} ${stored.key} from ${previous} to ${change.status} in ${describeTarget(target)}.`;

	const lines = [headline, formatRecord(stored.key, record)];
	if (dryRun && !unchanged) lines.push(`Command: ${command}`);
	if (propagation !== undefined) lines.push("", describePropagation(propagation, fingerprint));

	printResult(
		context,
		values.json,
		{
			action: change.command,
			dryRun,
			changed: !unchanged,
			target: describeTarget(target),
			key: stored.key,
			fingerprint,
			previousStatus: previous,
			record,
			...(dryRun && !unchanged ? { command } : {}),
			...(propagation === undefined
				? {}
				: {
						propagation: { ...propagation, advice: describePropagation(propagation, fingerprint) },
					}),
		},
		lines.join("\n"),
	);
}
