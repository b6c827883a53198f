import { identityKey } from "../../src/identity/record.ts";
import { checkValidity, readCertificateFile } from "../certificate.ts";
import { type CliContext, describeTarget, openStore, printResult } from "../context.ts";
import { UserError } from "../errors.ts";
import { formatRecord } from "../format.ts";
import { loadIdentity } from "../identities.ts";
import { buildWranglerArgs } from "../kv.ts";
import {
	OUTPUT_OPTIONS,
	parseCommandArgs,
	required,
	TARGET_HELP,
	TARGET_OPTIONS,
	targetFrom,
} from "../options.ts";
import { pinsFrom } from "../pins.ts";
import {
	checkExpiry,
	checkPrincipal,
	checkScope,
	checkTenantId,
	IDENTITY_RECORD_VERSION,
	serializeRecord,
	validateRecord,
} from "../records.ts";
import { describeArgs } from "../wrangler.ts";

export const ADD_HELP = `Usage: identity add --cert FILE --principal ID --tenant T --scope S [--scope S…] [options]

Maps a client certificate to an identity: writes the record under
cert:sha256:<fingerprint> in the IDENTITIES namespace.

Identity:
  --cert FILE          The client certificate: PEM, DER or percent-encoded PEM
  --principal ID       Service or device name, for example svc-billing
  --tenant T           Tenant id, for example acme
  --scope S            A scope such as orders:read; repeat for several
  --expires DATE       Stop authorizing after DATE (UTC: 2027-01-01 or 2027-01-01T00:00:00Z)
Pins, copied from the certificate:
  --pin-issuer         The issuer DN (RFC 2253), compared with certIssuerDNRFC2253
  --pin-issuer-ski     The issuer's key identifier, compared with certIssuerSKI
  --pin-serial         The serial number, compared with certSerial
Safety:
  --force              Overwrite an existing record; accept an expired or not yet valid
                       certificate or a past --expires date
  --leaf-first         Take the first certificate of a file that contains several
  --dry-run            Print the record and the wrangler command; write nothing
${TARGET_HELP}

Example:
  npm run identity -- add --cert client.pem --principal svc-billing --tenant acme \\
    --scope orders:read --scope orders:write --pin-issuer-ski`;

const OPTIONS = {
	...TARGET_OPTIONS,
	...OUTPUT_OPTIONS,
	cert: { type: "string" },
	principal: { type: "string" },
	tenant: { type: "string" },
	scope: { type: "string", multiple: true },
	expires: { type: "string" },
	"pin-issuer": { type: "boolean" },
	"pin-issuer-ski": { type: "boolean" },
	"pin-serial": { type: "boolean" },
	force: { type: "boolean" },
	"leaf-first": { type: "boolean" },
	"dry-run": { type: "boolean" },
} as const;

export async function runAdd(argv: readonly string[], context: CliContext): Promise<void> {
	const { values } = parseCommandArgs(argv, OPTIONS, false);
	if (values.help === true) {
		context.stdout(ADD_HELP);
		return;
	}

	const target = targetFrom(values);
	const force = values.force === true;
	const now = context.now();

	// Check the cheap options first, so a typo fails before any file or KV access.
	const principal = checkPrincipal(required(values.principal, "--principal"));
	const tenantId = checkTenantId(required(values.tenant, "--tenant"));
	const scopes = (values.scope ?? []).map((scope) => checkScope(scope));
	if (scopes.length === 0) {
		throw new UserError("at least one --scope is required, for example --scope orders:read");
	}
	const expiresAt = values.expires === undefined ? undefined : checkExpiry(values.expires);
	if (expiresAt !== undefined && new Date(expiresAt) <= now && !force) {
		throw new UserError(`--expires ${expiresAt} is in the past; pass --force to write it anyway`);
	}

	const certPath = required(values.cert, "--cert");
	const certificate = await readCertificateFile(certPath, {
		leafFirst: values["leaf-first"] === true,
	});
	if (!force) {
		checkValidity(certificate, now, certPath);
	}

	const record = validateRecord(
		{
			version: IDENTITY_RECORD_VERSION,
			principal,
			tenantId,
			scopes,
			status: "active",
			...pinsFrom(certificate, {
				issuerDN: values["pin-issuer"] === true,
				issuerSKI: values["pin-issuer-ski"] === true,
				serial: values["pin-serial"] === true,
			}),
			...(expiresAt === undefined ? {} : { expiresAt }),
		},
		"the new record",
	);

	const store = openStore(context, target);
	const key = identityKey(certificate.fingerprint);
	const existing = await loadIdentity(store, certificate.fingerprint);
	if (existing !== undefined && !force) {
		const owner =
			existing.record === undefined
				? "an invalid record"
				: `principal ${existing.record.principal} of tenant ${existing.record.tenantId}`;
		throw new UserError(
			`${key} already exists in ${describeTarget(target)} (${owner}); pass --force to overwrite it`,
		);
	}

	const value = serializeRecord(record);
	const dryRun = values["dry-run"] === true;
	if (!dryRun) {
		await store.put(key, value);
	}

	let verb = existing === undefined ? "Added" : "Replaced";
	if (dryRun) {
		verb = "Would write";
	}
	const command = describeArgs([
		"wrangler",
		...buildWranglerArgs({ kind: "put", key, value }, target),
	]);
	printResult(
		context,
		values.json,
		{
			action: "add",
			dryRun,
			replaced: existing !== undefined,
			target: describeTarget(target),
			key,
			fingerprint: certificate.fingerprint,
			record,
			...(dryRun ? { command } : {}),
		},
		`${verb} in ${describeTarget(target)}:\n${formatRecord(key, record)}` +
			(dryRun ? `\nCommand: ${command}` : ""),
	);
}
