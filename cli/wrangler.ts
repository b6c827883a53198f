/**
 * Runs the project's own wrangler as a child process. Every KV access of the
 * CLI goes through here, so `--remote` uses wrangler's login and account
 * selection, and no Cloudflare API client is written by hand.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { KvError } from "./errors.ts";

/** Upper bound on one wrangler run; remote calls retry inside wrangler before failing. */
const WRANGLER_TIMEOUT_MS = 120_000;

/** How many trailing lines of wrangler's output an error message quotes. */
const ERROR_TAIL_LINES = 6;

export interface WranglerResult {
	readonly exitCode: number;
	readonly stdout: string;
	readonly stderr: string;
}

/** Runs wrangler with `args`; tests pass a fake to check the arguments. */
export type WranglerRunner = (args: readonly string[]) => Promise<WranglerResult>;

/** Resolves wrangler's bin script from the installed package, without a shell or npx. */
function resolveWranglerBin(): string {
	const require = createRequire(import.meta.url);
	let manifestPath: string;
	try {
		manifestPath = require.resolve("wrangler/package.json");
	} catch {
		throw new KvError("wrangler is not installed; run `npm install` in the project first");
	}

	const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
		bin: string | Record<string, string>;
	};
	const bin = typeof manifest.bin === "string" ? manifest.bin : manifest.bin.wrangler;
	if (bin === undefined) {
		throw new KvError(`cannot find the wrangler executable in ${manifestPath}`);
	}
	return join(dirname(manifestPath), bin);
}

/**
 * Returns the child's environment. The banner stays hidden because printing
 * it also starts wrangler's update check, a request to the npm registry that
 * stalls for seconds without network. Metrics stay off unless the user set
 * WRANGLER_SEND_METRICS.
 */
function wranglerEnvironment(): NodeJS.ProcessEnv {
	return {
		...process.env,
		WRANGLER_HIDE_BANNER: process.env.WRANGLER_HIDE_BANNER ?? "true",
		WRANGLER_SEND_METRICS: process.env.WRANGLER_SEND_METRICS ?? "false",
	};
}

/** Runs wrangler and collects its output. Rejects only when it cannot start or times out. */
export const runWrangler: WranglerRunner = (args) => {
	const bin = resolveWranglerBin();

	return new Promise((resolve, reject) => {
		// With stdin closed, wrangler runs non-interactively and does not wait at a login prompt.
		const child = spawn(process.execPath, [bin, ...args], {
			stdio: ["ignore", "pipe", "pipe"],
			env: wranglerEnvironment(),
		});

		const stdout: Buffer[] = [];
		const stderr: Buffer[] = [];
		child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
		child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));

		const timer = setTimeout(() => {
			child.kill("SIGTERM");
			reject(
				new KvError(
					`wrangler ${describeArgs(args)} timed out after ${WRANGLER_TIMEOUT_MS / 1000} s`,
				),
			);
		}, WRANGLER_TIMEOUT_MS);

		child.on("error", (error) => {
			clearTimeout(timer);
			reject(new KvError(`cannot start wrangler: ${error.message}`));
		});
		child.on("close", (code) => {
			clearTimeout(timer);
			resolve({
				exitCode: code ?? 1,
				stdout: Buffer.concat(stdout).toString("utf8"),
				stderr: Buffer.concat(stderr).toString("utf8"),
			});
		});
	});
};

/** Throws a `KvError` that quotes the end of wrangler's output when a run failed. */
export function assertWranglerSucceeded(args: readonly string[], result: WranglerResult): void {
	if (result.exitCode === 0) {
		return;
	}

	const output = stripVTControlCharacters(`${result.stderr}\n${result.stdout}`)
		.split("\n")
		.map((line) => line.trimEnd())
		.filter((line) => line !== "" && !line.startsWith("🪵"))
		.slice(-ERROR_TAIL_LINES)
		.join("\n  ");
	const remoteHint = args.includes("--remote")
		? "\nFor --remote, log in first with `npx wrangler login` or set CLOUDFLARE_API_TOKEN."
		: "";

	throw new KvError(
		`wrangler ${describeArgs(args)} failed with exit code ${result.exitCode}:\n  ${output}${remoteHint}`,
	);
}

/** Formats wrangler arguments for messages and `--dry-run`, quoting where a shell would need it. */
export function describeArgs(args: readonly string[]): string {
	return args
		.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`))
		.join(" ");
}
