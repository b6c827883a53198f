import { type CliContext, describeTarget, openStore, printResult } from "../context.ts";
import { formatRecordLine } from "../format.ts";
import { loadAllIdentities } from "../identities.ts";
import {
	OUTPUT_OPTIONS,
	parseCommandArgs,
	TARGET_HELP,
	TARGET_OPTIONS,
	targetFrom,
} from "../options.ts";
import { checkPrincipal, checkTenantId } from "../records.ts";

export const LIST_HELP = `Usage: identity list [--tenant T] [--principal ID] [options]

Lists identity records, one per line: fingerprint, status, tenant/principal,
scopes and expiry. Keys under cert:sha256: whose value or name the Worker
cannot use are listed after them, whatever the filters.

Filters:
  --tenant T           Only records of tenant T
  --principal ID       Only records of principal ID
${TARGET_HELP}

Example:
  npm run identity -- list --tenant acme --remote`;

const OPTIONS = {
	...TARGET_OPTIONS,
	...OUTPUT_OPTIONS,
	tenant: { type: "string" },
	principal: { type: "string" },
} as const;

export async function runList(argv: readonly string[], context: CliContext): Promise<void> {
	const { values } = parseCommandArgs(argv, OPTIONS, false);
	if (values.help === true) {
		context.stdout(LIST_HELP);
		return;
	}

	const target = targetFrom(values);
	const tenantId = values.tenant === undefined ? undefined : checkTenantId(values.tenant);
	const principal = values.principal === undefined ? undefined : checkPrincipal(values.principal);

	const { identities, invalid } = await loadAllIdentities(openStore(context, target));
	const matching = identities.filter(
		({ record }) =>
			(tenantId === undefined || record.tenantId === tenantId) &&
			(principal === undefined || record.principal === principal),
	);

	const lines = matching.map(({ fingerprint, record }) => formatRecordLine(fingerprint, record));
	lines.push(`${matching.length} of ${identities.length} identities in ${describeTarget(target)}.`);
	for (const entry of invalid) {
		lines.push(`invalid: ${entry.key}: ${entry.reason}`);
	}

	printResult(
		context,
		values.json,
		{
			target: describeTarget(target),
			identities: matching.map(({ key, fingerprint, record }) => ({ key, fingerprint, record })),
			invalid,
		},
		lines.join("\n"),
	);
}
