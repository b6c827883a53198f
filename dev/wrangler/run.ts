/**
 * Runs the project's own wrangler (node_modules) as a child process with
 * settings that keep local commands on this machine.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { REPOSITORY_ROOT } from "../pki/layout.ts";

export const WRANGLER_JS = join(REPOSITORY_ROOT, "node_modules", "wrangler", "bin", "wrangler.js");

/** A hung wrangler command fails after this long instead of blocking seeding forever. */
const COMMAND_TIMEOUT_MS = 120_000;

/**
 * Builds the environment for wrangler: no telemetry, no banner (its update
 * check queries the npm registry) and no download of Cloudflare's `cf.json`.
 * Values already set in the environment win.
 */
export function wranglerEnvironment(): NodeJS.ProcessEnv {
	return {
		...process.env,
		WRANGLER_SEND_METRICS: process.env.WRANGLER_SEND_METRICS ?? "false",
		WRANGLER_HIDE_BANNER: process.env.WRANGLER_HIDE_BANNER ?? "true",
		CLOUDFLARE_CF_FETCH_ENABLED: process.env.CLOUDFLARE_CF_FETCH_ENABLED ?? "false",
	};
}

export interface WranglerResult {
	stdout: string;
	stderr: string;
}

/** Runs `wrangler <args>` in the repository; rejects with wrangler's output on failure. */
export function runWrangler(args: readonly string[]): Promise<WranglerResult> {
	return new Promise((resolve, reject) => {
		execFile(
			process.execPath,
			[WRANGLER_JS, ...args],
			{ cwd: REPOSITORY_ROOT, env: wranglerEnvironment(), timeout: COMMAND_TIMEOUT_MS },
			(error, stdout, stderr) => {
				if (error) {
					reject(
						new Error(`wrangler ${args.slice(0, 3).join(" ")} failed: ${error.message}\n${stderr}`),
					);
					return;
				}
				resolve({ stdout, stderr });
			},
		);
	});
}
