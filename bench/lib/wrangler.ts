/**
 * Wrangler for the benchmarks: `wrangler dev` servers on loopback with their
 * own ports and persistence directories, KV seeding, and dry-run bundles.
 * Every call runs the project's own wrangler with the environment below.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { REPOSITORY_ROOT } from "./env.ts";
import {
	freeLoopbackPort,
	runCommand,
	type StartedProcess,
	startProcess,
	waitForHttp,
} from "./processes.ts";

const WRANGLER_CLI = join(REPOSITORY_ROOT, "node_modules/wrangler/bin/wrangler.js");

/**
 * Keeps wrangler off the network: no download of the real `cf` object, no
 * telemetry, and no banner (printing the banner is what triggers wrangler's
 * check for a newer version on npm).
 */
const WRANGLER_ENV: NodeJS.ProcessEnv = {
	...process.env,
	CLOUDFLARE_CF_FETCH_ENABLED: "false",
	WRANGLER_SEND_METRICS: "false",
	WRANGLER_HIDE_BANNER: "true",
	NO_COLOR: "1",
};

export function wranglerVersion(): string {
	const require = createRequire(join(REPOSITORY_ROOT, "node_modules/wrangler/package.json"));
	const wrangler = require("wrangler/package.json") as { version: string };
	const workerd = require("workerd/package.json") as { version: string };
	return `wrangler ${wrangler.version}, workerd ${workerd.version}`;
}

export interface DevServer {
	readonly name: string;
	readonly origin: string;
	readonly process: StartedProcess;
}

/**
 * Starts `wrangler dev` on free loopback ports and waits for its first HTTP response.
 * The first config is the Worker that serves requests; further configs are
 * Workers it binds to, run in the same local runtime.
 */
export async function startDevServer(options: {
	readonly name: string;
	readonly configPaths: readonly string[];
	readonly persistTo: string;
	readonly logFile: string;
	readonly vars?: Readonly<Record<string, string>>;
}): Promise<DevServer> {
	const port = await freeLoopbackPort();
	const inspectorPort = await freeLoopbackPort();
	const varArgs = Object.entries(options.vars ?? {}).flatMap(([key, value]) => [
		"--var",
		`${key}:${value}`,
	]);

	const devProcess = startProcess(
		process.execPath,
		[
			WRANGLER_CLI,
			"dev",
			...options.configPaths.flatMap((configPath) => ["--config", configPath]),
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
			...varArgs,
		],
		{ cwd: REPOSITORY_ROOT, env: WRANGLER_ENV, logFile: options.logFile },
	);

	const origin = `http://127.0.0.1:${port}`;
	try {
		await waitForHttp(`${origin}/`, 60_000);
	} catch (error) {
		await devProcess.stop();
		throw new Error(
			`wrangler dev for ${options.name} did not start; log: ${options.logFile}\n${readTail(options.logFile)}`,
			{ cause: error },
		);
	}
	return { name: options.name, origin, process: devProcess };
}

/** Writes `entries` into the IDENTITIES namespace of the local store at `persistTo`. */
export async function seedIdentities(options: {
	readonly configPath: string;
	readonly persistTo: string;
	readonly entries: readonly { readonly key: string; readonly value: string }[];
	readonly seedFile: string;
}): Promise<void> {
	writeFileSync(options.seedFile, JSON.stringify(options.entries));
	await runCommand(
		process.execPath,
		[
			WRANGLER_CLI,
			"kv",
			"bulk",
			"put",
			options.seedFile,
			"--local",
			"--config",
			options.configPath,
			"--persist-to",
			options.persistTo,
			"--binding",
			"IDENTITIES",
		],
		{ cwd: REPOSITORY_ROOT, env: WRANGLER_ENV, timeoutMs: 120_000 },
	);
}

/** Bundles the Worker of `configPath` into `outDir` without deploying it. */
export async function dryRunBundle(configPath: string, outDir: string): Promise<string> {
	return runCommand(
		process.execPath,
		[WRANGLER_CLI, "deploy", "--dry-run", "--config", configPath, "--outdir", outDir],
		{ cwd: REPOSITORY_ROOT, env: WRANGLER_ENV, timeoutMs: 120_000 },
	);
}

function readTail(file: string): string {
	try {
		return readFileSync(file, "utf8").slice(-2000);
	} catch {
		return "(no log)";
	}
}
