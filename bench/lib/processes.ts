/**
 * Child processes of the benchmark: each runs in its own process group, so
 * stopping it also stops what it started (wrangler starts workerd), and
 * nothing else on the machine is touched.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { openSync } from "node:fs";
import { createServer } from "node:net";

const LOOPBACK = "127.0.0.1";

/** Returns a TCP port on 127.0.0.1 that was free a moment ago; the caller binds it next. */
export function freeLoopbackPort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once("error", reject);
		server.listen(0, LOOPBACK, () => {
			const address = server.address();
			server.close(() => {
				if (typeof address === "object" && address !== null) {
					resolve(address.port);
				} else {
					reject(new Error("could not read the port of a loopback listener"));
				}
			});
		});
	});
}

export interface StartedProcess {
	readonly pid: number;
	/** Sends SIGTERM to the process group, then SIGKILL after `graceMs` if it is still running. */
	stop(graceMs?: number): Promise<void>;
}

/** Starts `command` in a new process group, with stdout and stderr appended to `logFile`. */
export function startProcess(
	command: string,
	args: readonly string[],
	options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv; readonly logFile: string },
): StartedProcess {
	const log = openSync(options.logFile, "a");
	const child = spawn(command, args, {
		cwd: options.cwd,
		env: options.env,
		detached: true,
		stdio: ["ignore", log, log],
	});
	if (child.pid === undefined) {
		throw new Error(`could not start ${command}`);
	}
	const pid = child.pid;
	const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

	return {
		pid,
		stop: async (graceMs = 5000) => {
			if (!isRunning(child)) {
				return;
			}
			signalGroup(pid, "SIGTERM");
			const timeout = new Promise<"timeout">((resolve) =>
				setTimeout(() => resolve("timeout"), graceMs).unref(),
			);
			if ((await Promise.race([exited, timeout])) === "timeout") {
				signalGroup(pid, "SIGKILL");
				await exited;
			}
			// wrangler's workerd children may outlive the group leader by a moment.
			signalGroup(pid, "SIGKILL");
		},
	};
}

function isRunning(child: ChildProcess): boolean {
	return child.exitCode === null && child.signalCode === null;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch (error) {
		// ESRCH: the group has already exited.
		if ((error as NodeJS.ErrnoException).code !== "ESRCH") {
			throw error;
		}
	}
}

/**
 * Runs a command to completion within `timeoutMs` and returns its output;
 * rejects with the output's tail when it fails. With `forwardStderr`, the
 * command's stderr is also copied to this process's stderr as it arrives.
 */
export function runCommand(
	command: string,
	args: readonly string[],
	options: {
		readonly cwd: string;
		readonly env: NodeJS.ProcessEnv;
		readonly timeoutMs: number;
		readonly forwardStderr?: boolean;
	},
): Promise<string> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {
			cwd: options.cwd,
			env: options.env,
			stdio: ["ignore", "pipe", "pipe"],
			timeout: options.timeoutMs,
		});
		let output = "";
		child.stdout.on("data", (chunk: Buffer) => {
			output += chunk.toString();
		});
		child.stderr.on("data", (chunk: Buffer) => {
			output += chunk.toString();
			if (options.forwardStderr === true) {
				process.stderr.write(chunk);
			}
		});
		child.once("error", reject);
		child.once("exit", (code, signal) => {
			if (code === 0) {
				resolve(output);
			} else {
				reject(
					new Error(
						`${command} ${args.join(" ")} failed (exit ${code ?? signal}):\n${output.slice(-2000)}`,
					),
				);
			}
		});
	});
}

/** Polls `url` until any HTTP response arrives, or fails after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			await fetch(url, { signal: AbortSignal.timeout(1000) });
			return;
		} catch {
			if (Date.now() > deadline) {
				throw new Error(`no HTTP response from ${url} within ${timeoutMs} ms`);
			}
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}
}
