/**
 * Starts `wrangler dev` on a loopback port through the supervisor and waits
 * until it responds to HTTP.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { REPOSITORY_ROOT } from "../pki/layout.ts";

const SUPERVISOR = fileURLToPath(new URL("./supervisor.ts", import.meta.url));

/** wrangler dev usually responds within seconds, but a busy CI machine can take much longer. */
const READY_TIMEOUT_MS = 90_000;
const READY_POLL_MS = 250;
const STOP_TIMEOUT_MS = 10_000;

export interface WranglerDevOptions {
	port: number;
	inspectorPort: number;
	/** Local state folder; wrangler's default (`.wrangler/state`) when omitted. */
	persistTo?: string;
	/** `--var` overrides, for example `{ IDENTITY_CACHE_TTL_SECONDS: "0" }`. */
	vars?: Readonly<Record<string, string>>;
	/** The supervisor stops wrangler after this long; 0 or omitted for no limit. */
	maxLifetimeMs?: number;
	/** "inherit" shows wrangler's log; "pipe" keeps it for error messages. */
	output?: "inherit" | "pipe";
}

export interface WranglerDev {
	url: string;
	stop(): Promise<void>;
	/** Output captured so far, with `output: "pipe"`. */
	output(): string;
}

export async function startWranglerDev(options: WranglerDevOptions): Promise<WranglerDev> {
	const args = [
		"dev",
		"--ip",
		"127.0.0.1",
		"--port",
		String(options.port),
		"--inspector-port",
		String(options.inspectorPort),
		"--inspector-ip",
		"127.0.0.1",
		"--show-interactive-dev-session=false",
	];
	if (options.persistTo !== undefined) {
		args.push("--persist-to", options.persistTo);
	}
	for (const [name, value] of Object.entries(options.vars ?? {})) {
		args.push("--var", `${name}:${value}`);
	}

	const pipeOutput = options.output === "pipe";
	const child = spawn(
		process.execPath,
		[
			"--experimental-strip-types",
			"--disable-warning=ExperimentalWarning",
			SUPERVISOR,
			String(options.maxLifetimeMs ?? 0),
			...args,
		],
		{
			cwd: REPOSITORY_ROOT,
			stdio: ["pipe", pipeOutput ? "pipe" : "inherit", pipeOutput ? "pipe" : "inherit"],
		},
	);

	let captured = "";
	child.stdout?.on("data", (chunk: Buffer) => {
		captured += chunk.toString();
	});
	child.stderr?.on("data", (chunk: Buffer) => {
		captured += chunk.toString();
	});

	const url = `http://127.0.0.1:${options.port}`;
	const server: WranglerDev = { url, stop: () => stopChild(child), output: () => captured };

	try {
		await waitUntilReady(url, child);
	} catch (error) {
		await server.stop();
		throw new Error(`${(error as Error).message}\n${captured}`);
	}
	return server;
}

async function waitUntilReady(url: string, child: ChildProcess): Promise<void> {
	const deadline = Date.now() + READY_TIMEOUT_MS;

	while (Date.now() < deadline) {
		if (child.exitCode !== null) {
			throw new Error(`wrangler dev exited with code ${child.exitCode} before it was ready`);
		}
		try {
			await fetch(url, { signal: AbortSignal.timeout(2_000) });
			return;
		} catch {
			await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
		}
	}
	throw new Error(`wrangler dev did not respond on ${url} within ${READY_TIMEOUT_MS} ms`);
}

/** Closes the supervisor's stdin (its stop signal) and waits for it to exit. */
function stopChild(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) {
		return Promise.resolve();
	}

	return new Promise((resolve) => {
		const timer = setTimeout(() => {
			child.kill("SIGKILL");
			resolve();
		}, STOP_TIMEOUT_MS);
		child.once("exit", () => {
			clearTimeout(timer);
			resolve();
		});
		child.stdin?.end();
		child.kill("SIGTERM");
	});
}
