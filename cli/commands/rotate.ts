import { identityKey } from "../../src/identity/record.ts";
import { checkValidity, readCertificateFile } from "../certificate.ts";
import { type CliContext, describeTarget, openStore, printResult } from "../context.ts";
import { UserError } from "../errors.ts";
import { formatRecord } from "../format.ts";
import { loadIdentity, requireIdentity } from "../identities.ts";
import { buildWranglerArgs } from "../kv.ts";
import {
	fingerprintFromArgument,
	OUTPUT_OPTIONS,
	parseCommandArgs,
	required,
	TARGET_HELP,
	TARGET_OPTIONS,
	targetFrom,
} from "../options.ts";
import { pinRequestOf, pinsFrom } from "../pins.ts";
import { describePropagation, loadPropagationDelay } from "../propagation.ts";
import { checkExpiry, type IdentityRecord, serializeRecord, validateRecord } from "../records.ts";
import { describeArgs } from "../wrangler.ts";
import { parseDuration } from "./duration.ts";

export const ROTATE_HELP = `Usage: identity rotate --from OLD_CERT_OR_FP --to NEW_CERT [--grace DURATION] [options]

Gives a new certificate the principal, tenant and scopes of an old one, and
the same kinds of pins, copied from the new certificate. The old record is
disabled now or, with --grace, keeps working until the grace period ends
(it gets an expiresAt). Both records are written in one bulk request.

Options:
  --from OLD           The old certificate file, or its fingerprint
  --to FILE            The new certificate: PEM, DER or percent-encoded PEM
  --grace DURATION     Let the old certificate work for DURATION more: 90s, 30m, 12h or 7d
  --expires DATE       expiresAt of the new record (default: the old record's expiresAt)
  --force              Rotate from a disabled or revoked record, overwrite an existing
                       record of the new certificate, accept a new certificate outside
                       its validity period
  --leaf-first         Take the first certificate of a file that contains several
  --dry-run            Print both records and the wrangler command; write nothing
${TARGET_HELP}

Example:
  npm run identity -- rotate --from old.pem --to new.pem --grace 24h --remote`;

const OPTIONS = {
	...TARGET_OPTIONS,
	...OUTPUT_OPTIONS,
	from: { type: "string" },
	to: { type: "string" },
	grace: { type: "string" },
	expires: { type: "string" },
	force: { type: "boolean" },
	"leaf-first": { type: "boolean" },
	"dry-run": { type: "boolean" },
} as const;

export async function runRotate(argv: readonly string[], context: CliContext): Promise<void> {
	const { values } = parseCommandArgs(argv, OPTIONS, false);
	if (values.help === true) {
		context.stdout(ROTATE_HELP);
		return;
	}

	const target = targetFrom(values);
	const force = values.force === true;
	const leafFirst = values["leaf-first"] === true;
	const now = context.now();
	const graceSeconds =
		values.grace === undefined ? undefined : parseDuration(values.grace, "--grace");
	const newExpiry = values.expires === undefined ? undefined : checkExpiry(values.expires);

	const oldFingerprint = await fingerprintFromArgument(required(values.from, "--from"), leafFirst);
	const newPath = required(values.to, "--to");
	const certificate = await readCertificateFile(newPath, { leafFirst });
	if (!force) {
		checkValidity(certificate, now, newPath);
	}
	if (certificate.fingerprint === oldFingerprint) {
		throw new UserError("--from and --to are the same certificate");
	}

	const store = openStore(context, target);
	const old = await requireIdentity(store, oldFingerprint, describeTarget(target));
	if (old.record.status !== "active" && !force) {
		throw new UserError(
			`${old.key} is ${old.record.status}; rotating would authorize its identity again. ` +
				"Pass --force if that is intended",
		);
	}

	const newKey = identityKey(certificate.fingerprint);
	if ((await loadIdentity(store, certificate.fingerprint)) !== undefined && !force) {
		throw new UserError(`${newKey} already exists; pass --force to overwrite it`);
	}

	const expiresAt = newExpiry ?? old.record.expiresAt;
	if (expiresAt !== undefined && new Date(expiresAt) <= now && !force) {
		throw new UserError(
			`the new record would expire at ${expiresAt}, which is in the past; pass --expires with a later date`,
		);
	}

	const newRecord = validateRecord(
		{
			version: old.record.version,
			principal: old.record.principal,
			tenantId: old.record.tenantId,
			scopes: old.record.scopes,
			status: "active",
			...pinsFrom(certificate, pinRequestOf(old.record)),
			...(expiresAt === undefined ? {} : { expiresAt }),
		},
		"the new record",
	);
	const oldRecord = validateRecord(retire(old.record, now, graceSeconds), "the old record");

	const dryRun = values["dry-run"] === true;
	const entries = [
		{ key: newKey, value: serializeRecord(newRecord) },
		{ key: old.key, value: serializeRecord(oldRecord) },
	];
	if (!dryRun) {
		await store.putMany(entries);
	}

	const propagation =
		graceSeconds === undefined
			? await loadPropagationDelay(context.readWorkerVars, target)
			: undefined;
	const command = describeArgs([
		"wrangler",
		...buildWranglerArgs({ kind: "bulk-put", file: "<temporary file>" }, target),
	]);
	const oldFate =
		graceSeconds === undefined
			? "The old certificate is disabled."
			: `The old certificate keeps working until ${oldRecord.expiresAt}.`;

	const lines = [
		`${dryRun ? "Would rotate" : "Rotated"} ${old.record.tenantId}/${old.record.principal} in ${describeTarget(target)}. ${oldFate}`,
		formatRecord(newKey, newRecord),
		formatRecord(old.key, oldRecord),
	];
	if (dryRun) lines.push(`Command: ${command}`);
	if (propagation !== undefined) lines.push("", describePropagation(propagation, oldFingerprint));

	printResult(
		context,
		values.json,
		{
			action: "rotate",
			dryRun,
			target: describeTarget(target),
			new: { key: newKey, fingerprint: certificate.fingerprint, record: newRecord },
			old: { key: old.key, fingerprint: oldFingerprint, record: oldRecord },
			...(dryRun ? { command } : {}),
			...(propagation === undefined
				? {}
				: {
						propagation: {
							...propagation,
							advice: describePropagation(propagation, oldFingerprint),
						},
					}),
		},
		lines.join("\n"),
	);
}

/**
 * Returns the old record after rotation: disabled now, or active with an
 * expiresAt at the end of the grace period (an earlier expiresAt is kept).
 */
function retire(
	record: IdentityRecord,
	now: Date,
	graceSeconds: number | undefined,
): IdentityRecord {
	if (graceSeconds === undefined) {
		return { ...record, status: "disabled" };
	}

	const graceEnd = new Date(Math.floor(now.getTime() / 1000) * 1000 + graceSeconds * 1000);
	const current = record.expiresAt === undefined ? undefined : new Date(record.expiresAt);
	if (current !== undefined && current <= graceEnd) {
		return record;
	}
	return { ...record, expiresAt: graceEnd.toISOString().replace(".000Z", "Z") };
}
