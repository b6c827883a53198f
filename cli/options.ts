/**
 * Command-line options shared by every command, parsed with Node's
 * `util.parseArgs` in strict mode: an unknown option or a missing value is a
 * user error, never silently ignored.
 */
import { existsSync } from "node:fs";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { readCertificateFile } from "./certificate.ts";
import { UserError } from "./errors.ts";
import { normalizeFingerprint } from "./fingerprint.ts";
import type { KvTarget } from "./kv.ts";

/** Options that choose the KV namespace, accepted by every command that reads or writes KV. */
export const TARGET_OPTIONS = {
	local: { type: "boolean" },
	remote: { type: "boolean" },
	env: { type: "string" },
	"persist-to": { type: "string" },
	config: { type: "string" },
} as const;

/** Options about output, accepted by every command. */
export const OUTPUT_OPTIONS = {
	json: { type: "boolean" },
	help: { type: "boolean", short: "h" },
} as const;

export const TARGET_HELP = `Target:
  --local              Use local KV, the storage \`npm start\` and \`wrangler dev\` use (default)
  --persist-to DIR     Local KV directory (default: wrangler's .wrangler/state)
  --remote             Use the deployed namespace, through wrangler's login
  --env NAME           Use the IDENTITIES binding of wrangler environment NAME
  --config FILE        Wrangler configuration file (default: wrangler.toml found by wrangler)
Output:
  --json               Print one JSON document for scripts instead of text
  -h, --help           Show this help`;

export function parseCommandArgs<T extends ParseArgsConfig["options"]>(
	argv: readonly string[],
	options: T,
	allowPositionals: boolean,
) {
	try {
		return parseArgs({ args: [...argv], options, allowPositionals, strict: true });
	} catch (error) {
		throw new UserError(`${(error as Error).message}; run with --help for usage`);
	}
}

interface TargetValues {
	readonly local?: boolean | undefined;
	readonly remote?: boolean | undefined;
	readonly env?: string | undefined;
	readonly "persist-to"?: string | undefined;
	readonly config?: string | undefined;
}

/** Turns the target options into a KV target, rejecting contradictory ones. */
export function targetFrom(values: TargetValues): KvTarget {
	if (values.local === true && values.remote === true) {
		throw new UserError("--local and --remote cannot be used together");
	}
	if (values.remote === true && values["persist-to"] !== undefined) {
		throw new UserError("--persist-to applies to local KV only; remove it or remove --remote");
	}

	return {
		remote: values.remote === true,
		persistTo: values["persist-to"],
		env: values.env,
		config: values.config,
	};
}

/** Requires a string option. */
export function required(value: string | undefined, option: string): string {
	if (value === undefined || value === "") {
		throw new UserError(`${option} is required; run with --help for usage`);
	}
	return value;
}

/**
 * Resolves `--cert FILE` or `--fingerprint FP` (exactly one) to a fingerprint
 * in Cloudflare's form. A certificate is read here without a validity check,
 * because an expired certificate must still be found to disable it.
 */
export async function fingerprintFromSelector(values: {
	readonly cert?: string | undefined;
	readonly fingerprint?: string | undefined;
	readonly "leaf-first"?: boolean | undefined;
}): Promise<string> {
	const { cert, fingerprint } = values;
	if ((cert === undefined) === (fingerprint === undefined)) {
		throw new UserError("give exactly one of --cert FILE or --fingerprint FP");
	}
	if (fingerprint !== undefined) {
		return normalizeFingerprint(fingerprint);
	}

	const info = await readCertificateFile(cert as string, {
		leafFirst: values["leaf-first"] === true,
	});
	return info.fingerprint;
}

/** Options for the commands that select one record. */
export const SELECTOR_OPTIONS = {
	cert: { type: "string" },
	fingerprint: { type: "string" },
	"leaf-first": { type: "boolean" },
} as const;

export const SELECTOR_HELP = `Certificate:
  --cert FILE          The client certificate: PEM, DER or percent-encoded PEM
  --fingerprint FP     Its SHA-256 fingerprint, in any common form (colons, uppercase, openssl output)
  --leaf-first         Take the first certificate of a file that contains several`;

/**
 * Reads a fingerprint-or-certificate argument, as `rotate --from` takes it: an
 * existing file is read as a certificate, anything else must be a fingerprint.
 */
export async function fingerprintFromArgument(value: string, leafFirst: boolean): Promise<string> {
	if (existsSync(value)) {
		const info = await readCertificateFile(value, { leafFirst });
		return info.fingerprint;
	}
	return normalizeFingerprint(value);
}
