/**
 * Shared pieces of the end-to-end suites: free loopback ports, temporary
 * folders, seeding local KV through wrangler's CLI and a `wrangler dev` that
 * stops by itself.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { startWranglerDev, type WranglerDev } from "../../dev/wrangler/dev-server.ts";
import { runWrangler } from "../../dev/wrangler/run.ts";

/** The supervisor stops `wrangler dev` after this long even if a test run hangs or crashes. */
const WORKER_MAX_LIFETIME_MS = 5 * 60 * 1000;

/** Asks the OS for a free port on 127.0.0.1. Another process may take it before it is used. */
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

export interface TempDir {
	path: string;
	remove(): Promise<void>;
}

export async function makeTempDir(prefix: string): Promise<TempDir> {
	const path = await mkdtemp(join(tmpdir(), prefix));
	return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/**
 * Writes one IDENTITIES entry the way an operator would:
 * `wrangler kv key put --local --binding IDENTITIES <key> <value>`.
 */
export async function putIdentity(persistTo: string, key: string, value: string): Promise<void> {
	await runWrangler([
		"kv",
		"key",
		"put",
		key,
		value,
		"--local",
		"--binding",
		"IDENTITIES",
		"--persist-to",
		persistTo,
	]);
}

/**
 * Starts `wrangler dev` on free loopback ports with its own state folder and
 * the identity cache off, so each test reads KV as seeded. A port taken
 * between choosing and binding gets one retry on new ports.
 */
export async function startWorker(persistTo: string): Promise<WranglerDev> {
	let lastError: unknown;

	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			return await startWranglerDev({
				port: await freePort(),
				inspectorPort: await freePort(),
				persistTo,
				vars: { IDENTITY_CACHE_TTL_SECONDS: "0" },
				maxLifetimeMs: WORKER_MAX_LIFETIME_MS,
				output: "pipe",
			});
		} catch (error) {
			lastError = error;
		}
	}
	throw lastError;
}

export interface Problem {
	status: number;
	code: string;
}

/**
 * Asserts that a response is one of the Worker's problem responses with
 * `status` and `code`, including the headers every response carries.
 */
export function expectProblem(
	response: { status: number; headers: Headers; body: string },
	status: number,
	code: string,
): void {
	expect(response.status).toBe(status);
	expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
	expect(response.headers.get("cache-control")).toBe("no-store");
	expect(response.headers.get("x-content-type-options")).toBe("nosniff");

	const body = JSON.parse(response.body) as Record<string, unknown>;
	expect(body.code).toBe(code);
	expect(body.status).toBe(status);
	expect(typeof body.requestId).toBe("string");
}
