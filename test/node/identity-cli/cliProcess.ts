/** Runs the identity CLI as a child process, the way operators run it. */
import { execFile } from "node:child_process";

export const CLI = new URL("../../../cli/identity.ts", import.meta.url).pathname;
export const PROJECT_ROOT = new URL("../../../", import.meta.url).pathname;

export interface Outcome {
	readonly code: number;
	readonly stdout: string;
	readonly stderr: string;
}

export function runCli(
	args: readonly string[],
	env: NodeJS.ProcessEnv = process.env,
): Promise<Outcome> {
	return new Promise((resolve) => {
		execFile(
			CLI,
			[...args],
			{ cwd: PROJECT_ROOT, env, timeout: 60_000 },
			(error, stdout, stderr) => {
				let code = 0;
				if (error !== null) {
					// A child killed by the timeout has no numeric exit code.
					code = typeof error.code === "number" ? error.code : -1;
				}
				resolve({ code, stdout, stderr });
			},
		);
	});
}
