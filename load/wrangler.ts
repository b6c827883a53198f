/**
 * Starts `wrangler dev` for the load run on a free loopback port, with its
 * own state folder, and reads the memory of the workerd process it runs.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WRANGLER = fileURLToPath(
	new URL("../node_modules/wrangler/bin/wrangler.js", import.meta.url),
);

/** wrangler dev starts in seconds; a machine shared with other jobs may need much longer. */
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 10_000;

/** Environment of every wrangler call: no download of Cloudflare's `cf.json`, no telemetry. */
const WRANGLER_ENV = {
	...process.env,
	CLOUDFLARE_CF_FETCH_ENABLED: "false",
	WRANGLER_SEND_METRICS: "false",
};

/** Returns a port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once("error", reject);
		server.listen(0, "127.0.0.1", () => {
			const address = server.address();
			server.close(() => {
				if (typeof address === "object" && address !== null) {
					resolve(address.port);
				} else {
					reject(new Error("no port assigned"));
				}
			});
		});
	});
}

/** Writes `entries` to the local IDENTITIES namespace under `persistTo`. */
export async function bulkPutIdentities(file: string, persistTo: string): Promise<void> {
	await promisify(execFile)(
		process.execPath,
		[
			WRANGLER,
			"kv",
			"bulk",
			"put",
			file,
			"--local",
			"--persist-to",
			persistTo,
			"--binding",
			"IDENTITIES",
		],
		{ cwd: ROOT, env: WRANGLER_ENV, timeout: 120_000 },
	);
}

export interface DevServer {
	readonly url: string;
	/** Process id of the workerd child that serves the Worker. */
	readonly workerdPid: number;
	/** Loopback port of the DevTools inspector. */
	readonly inspectorPort: number;
	stop(): Promise<void>;
}

export interface DevServerOptions {
	readonly persistTo: string;
	readonly vars: Readonly<Record<string, string>>;
	/** wrangler is stopped after this long even if the run hangs. */
	readonly maxLifetimeMs: number;
}

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
	const port = await freePort();
	const inspectorPort = await freePort();
	const args = [
		WRANGLER,
		"dev",
		"--ip",
		"127.0.0.1",
		"--port",
		String(port),
		"--inspector-ip",
		"127.0.0.1",
		"--inspector-port",
		String(inspectorPort),
		"--persist-to",
		options.persistTo,
		"--show-interactive-dev-session=false",
		"--log-level",
		"warn",
		...Object.entries(options.vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
	];

	// A process group of its own, so stopping it also stops workerd and nothing else.
	const child = spawn(process.execPath, args, {
		cwd: ROOT,
		env: WRANGLER_ENV,
		detached: true,
		stdio: ["ignore", "pipe", "pipe"],
	});
	let output = "";
	const keep = (chunk: Buffer) => {
		output = (output + chunk.toString()).slice(-8000);
	};
	child.stdout?.on("data", keep);
	child.stderr?.on("data", keep);

	const lifetime = setTimeout(() => killGroup(child), options.maxLifetimeMs);
	lifetime.unref();
	const stop = async () => {
		clearTimeout(lifetime);
		await stopGroup(child);
	};

	const url = `http://127.0.0.1:${port}`;
	try {
		await waitUntilReady(url, child);
		const workerdPid = await findWorkerd(child.pid ?? -1);
		if (workerdPid === undefined) {
			throw new Error("workerd process not found under wrangler dev");
		}
		return { url, workerdPid, inspectorPort, stop };
	} catch (error) {
		await stop();
		throw new Error(`wrangler dev did not start: ${(error as Error).message}\n${output}`);
	}
}

async function waitUntilReady(url: string, child: ChildProcess): Promise<void> {
	const deadline = Date.now() + READY_TIMEOUT_MS;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) {
			throw new Error(`wrangler exited with code ${child.exitCode}`);
		}
		try {
			await fetch(`${url}/`, { signal: AbortSignal.timeout(2000) });
			return;
		} catch {
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}
	throw new Error(`wrangler dev did not respond on ${url} within ${READY_TIMEOUT_MS / 1000} s`);
}

/** Searches the process tree under `rootPid` for the workerd binary, through /proc. */
async function findWorkerd(rootPid: number): Promise<number | undefined> {
	const pending = [rootPid];
	for (let pid = pending.shift(); pid !== undefined; pid = pending.shift()) {
		const comm = await readFile(`/proc/${pid}/comm`, "utf8").catch(() => "");
		if (comm.trim() === "workerd") {
			return pid;
		}
		for (const task of await readdir(`/proc/${pid}/task`).catch(() => [])) {
			const children = await readFile(`/proc/${pid}/task/${task}/children`, "utf8").catch(() => "");
			pending.push(
				...children
					.split(" ")
					.filter((text) => text.trim() !== "")
					.map(Number),
			);
		}
	}
	return undefined;
}

/** Resident memory of a process in KiB (VmRSS in /proc/<pid>/status), or `undefined` once it exited. */
export async function residentKiB(pid: number): Promise<number | undefined> {
	const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
	const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
	return match === null ? undefined : Number(match[1]);
}

/** Signals wrangler's process group, which contains wrangler and the workerd it started. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): void {
	if (child.pid === undefined) {
		return;
	}
	try {
		process.kill(-child.pid, signal);
	} catch {
		// ESRCH: every process of the group has exited.
	}
}

async function stopGroup(child: ChildProcess): Promise<void> {
	const exited =
		child.exitCode !== null || child.signalCode !== null
			? Promise.resolve()
			: new Promise<void>((resolve) => child.once("exit", () => resolve()));
	killGroup(child);
	const timeout = new Promise<void>((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS).unref());
	await Promise.race([exited, timeout]);
	// Anything of the group still running after the grace period (workerd included) is killed.
	killGroup(child, "SIGKILL");
}
