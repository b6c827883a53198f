import { readCertificateFile } from "../certificate.ts";
import { type CliContext, printResult } from "../context.ts";
import { UserError } from "../errors.ts";
import { OUTPUT_OPTIONS, parseCommandArgs } from "../options.ts";

export const FINGERPRINT_HELP = `Usage: identity fingerprint FILE [--leaf-first] [--json]

Prints the certificate's SHA-256 fingerprint as Cloudflare sends it in
certFingerprintSHA256: lowercase hex, no colons. FILE may be PEM, DER or
percent-encoded PEM. Reads no KV.

Options:
  --leaf-first         Take the first certificate of a file that contains several
  --json               Print {"fingerprint": …} instead of the bare value
  -h, --help           Show this help

Example:
  npm run identity -- fingerprint client.pem`;

const OPTIONS = { ...OUTPUT_OPTIONS, "leaf-first": { type: "boolean" } } as const;

export async function runFingerprint(argv: readonly string[], context: CliContext): Promise<void> {
	const { values, positionals } = parseCommandArgs(argv, OPTIONS, true);
	if (values.help === true) {
		context.stdout(FINGERPRINT_HELP);
		return;
	}
	if (positionals.length !== 1) {
		throw new UserError(
			"fingerprint takes exactly one certificate FILE; run with --help for usage",
		);
	}

	const info = await readCertificateFile(positionals[0] as string, {
		leafFirst: values["leaf-first"] === true,
	});
	printResult(context, values.json, { fingerprint: info.fingerprint }, info.fingerprint);
}
