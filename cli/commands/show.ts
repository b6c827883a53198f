import { type CliContext, describeTarget, openStore, printResult } from "../context.ts";
import { UserError } from "../errors.ts";
import { formatRecord } from "../format.ts";
import { loadIdentity } from "../identities.ts";
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

export const SHOW_HELP = `Usage: identity show (--cert FILE | --fingerprint FP) [options]

Prints the identity record of a certificate. Exits with 1 when there is no
record or the stored value is not a valid record.

${SELECTOR_HELP}
${TARGET_HELP}

Example:
  npm run identity -- show --fingerprint "sha256 Fingerprint=AF:36:3D:…:14"`;

const OPTIONS = { ...TARGET_OPTIONS, ...OUTPUT_OPTIONS, ...SELECTOR_OPTIONS } as const;

export async function runShow(argv: readonly string[], context: CliContext): Promise<void> {
	const { values } = parseCommandArgs(argv, OPTIONS, false);
	if (values.help === true) {
		context.stdout(SHOW_HELP);
		return;
	}

	const target = targetFrom(values);
	const fingerprint = await fingerprintFromSelector(values);
	const stored = await loadIdentity(openStore(context, target), fingerprint);

	if (stored === undefined) {
		throw new UserError(`no identity for fingerprint ${fingerprint} in ${describeTarget(target)}`);
	}
	if (stored.record === undefined) {
		throw new UserError(
			`the value stored under ${stored.key} is not a valid identity record, so the Worker ` +
				`responds with 500 internal_error for this certificate. Stored value: ${stored.value}`,
		);
	}

	// An expired mapping stays in KV with status active, so show marks it.
	const { expiresAt } = stored.record;
	const expired = expiresAt !== undefined && context.now() > new Date(expiresAt);
	const note = expired
		? "\nThis mapping has expired: the Worker responds with 403 identity_expired."
		: "";

	printResult(
		context,
		values.json,
		{ key: stored.key, fingerprint, record: stored.record, expired },
		formatRecord(stored.key, stored.record) + note,
	);
}
