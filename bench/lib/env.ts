/**
 * The `env` the in-process suites pass to the Worker: the `[vars]` of the
 * template's wrangler.toml, in-memory KV stand-ins and admitting rate
 * limiters. Each call returns a new object, and the Worker builds its runtime
 * (configuration, identity cache, router) once per `env` object, so every
 * suite case starts with an empty identity cache.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { identityKey } from "../../src/identity/record.ts";
import { AdmittingRateLimiter, MemoryKv } from "./memoryKv.ts";

export const REPOSITORY_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export const TEMPLATE_CONFIG = `${REPOSITORY_ROOT}wrangler.toml`;

/**
 * Reads the `[vars]` table of a wrangler.toml: `KEY = "value"` lines up to the
 * next table header. Enough for this repository's file, not a TOML parser.
 */
export function readWranglerVars(configPath: string = TEMPLATE_CONFIG): Record<string, string> {
	const vars: Record<string, string> = {};
	let inVars = false;

	for (const line of readFileSync(configPath, "utf8").split("\n")) {
		const trimmed = line.trim();
		if (trimmed.startsWith("[")) {
			inVars = trimmed === "[vars]";
			continue;
		}
		const entry = /^([A-Z0-9_]+)\s*=\s*"([^"]*)"/.exec(trimmed);
		if (inVars && entry !== null) {
			vars[entry[1] as string] = entry[2] as string;
		}
	}
	return vars;
}

export interface GateEnv {
	readonly env: Env;
	readonly identities: MemoryKv;
	readonly orders: MemoryKv;
	readonly limiter: AdmittingRateLimiter;
}

/** Builds an env whose IDENTITIES namespace serves `identities`; `vars` override wrangler.toml's. */
export function createGateEnv(identities: MemoryKv, vars: Record<string, string> = {}): GateEnv {
	const orders = new MemoryKv();
	const limiter = new AdmittingRateLimiter();
	const env = {
		...readWranglerVars(),
		...vars,
		IDENTITIES: identities.asBinding(),
		ORDERS: orders.asBinding(),
		RATE_LIMITER: limiter.asBinding(),
		RATE_LIMITER_WRITES: limiter.asBinding(),
	} as unknown as Env;
	return { env, identities, orders, limiter };
}

/** Builds an IDENTITIES stand-in that contains the records of the given certificates. */
export function identitiesFor(
	fingerprints: ReadonlyMap<string, unknown> | readonly [string, unknown][],
): MemoryKv {
	const kv = new MemoryKv();
	for (const [fingerprint, record] of fingerprints) {
		void kv.put(identityKey(fingerprint), JSON.stringify(record));
	}
	kv.resetCounters();
	return kv;
}

/**
 * Replaces `console.log` and `console.error` with a counter, so the Worker's
 * one log line per request costs its `JSON.stringify` but no terminal write.
 * Suites report on stderr through `process.stderr.write`.
 */
export function silenceWorkerLogs(): { readonly lines: () => number } {
	let lines = 0;
	const count = (): void => {
		lines += 1;
	};
	console.log = count;
	console.error = count;
	return { lines: () => lines };
}
