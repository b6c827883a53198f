/**
 * Shared setup of a gate property: generate and store the identity pool,
 * run the property through the Worker, and print a tally of what it saw.
 */
import { fc, it } from "@fast-check/vitest";
import { afterAll, beforeAll, expect, type MockInstance, vi } from "vitest";
import { checkResponse, send, Tally } from "./check.ts";
import { type Pool, type PoolEntry, poolSize, seedPool } from "./identities.ts";
import { decide } from "./oracle.ts";
import type { GeneratedRequest } from "./request.ts";
import { fuzzSeed, type PropertyName, RUN_SHARES, runsFor, timeoutFor } from "./runs.ts";

/** Largest share of 429s that still leaves the property meaningful. */
const MAX_RATE_LIMITED_SHARE = 0.05;

/** Time allowed for storing the identity pool, which grows with the run count. */
const POOL_SEED_TIMEOUT_MS = 180_000;

export interface PropertyContext {
	readonly pool: Pool;
	readonly now: number;
	/** An index into the pool, weighted towards entries that `prefer` selects. */
	entry(prefer?: (entry: PoolEntry) => boolean): fc.Arbitrary<PoolEntry>;
}

/** True for an entry whose stored record lets its own, unchanged certificate call whoami (and hold `scope`). */
export function isAuthorized(entry: PoolEntry, pool: Pool, now: number, scope?: string): boolean {
	const request: GeneratedRequest = {
		method: "GET",
		path: "/v1/whoami",
		headers: [],
		body: null,
		cf: { tlsClientAuth: entry.certificate },
	};
	const { expected } = decide(request, pool.world, now);
	if (expected.outcome !== "allow") {
		return false;
	}
	return scope === undefined || expected.record.scopes.includes(scope);
}

export function tenantOf(entry: PoolEntry): string {
	return entry.stored.kind === "valid" ? entry.stored.record.tenantId : "acme";
}

/**
 * Declares one property test: for every generated request, the Worker's
 * response matches the oracle, and in particular no request the oracle
 * denies gets a 2xx.
 */
export function gateProperty(
	name: PropertyName,
	title: string,
	build: (context: PropertyContext) => fc.Arbitrary<GeneratedRequest>,
): void {
	const runs = runsFor(name);
	const now = Date.now();
	const seedBase = Object.keys(RUN_SHARES).indexOf(name) * 1_000_000 + 7;
	const tally = new Tally();
	let pool: Pool | undefined;
	let silenced: MockInstance[] = [];
	const restoreConsole = () => {
		for (const spy of silenced) {
			spy.mockRestore();
		}
		silenced = [];
	};

	// Seeding writes one KV record per pool entry: thousands in the long fuzz run.
	beforeAll(async () => {
		// The Worker logs one line per request; at these run counts that is only noise.
		silenced = [
			vi.spyOn(console, "log").mockImplementation(() => {}),
			vi.spyOn(console, "error").mockImplementation(() => {}),
		];
		pool = await seedPool(name, poolSize(runs), seedBase, now);
	}, POOL_SEED_TIMEOUT_MS);
	afterAll(restoreConsole);

	const seed = fuzzSeed();
	it(
		title,
		async () => {
			if (pool === undefined) {
				throw new Error("the identity pool was not stored");
			}
			const context = makeContext(pool, now);
			const property = fc.asyncProperty(build(context), async (request) => {
				const verdict = decide(request, context.pool.world, Date.now());
				const response = await send(request);
				await checkResponse(request, verdict, response, context.pool.world, tally);
				// The spies would otherwise keep every log line of every run.
				for (const spy of silenced) {
					spy.mockClear();
				}
			});
			await fc.assert(property, { numRuns: runs, ...(seed === undefined ? {} : { seed }) });

			restoreConsole();
			console.info(tally.summary(name));
			expect(
				tally.allowed,
				"no run was allowed: the generators miss the valid case",
			).toBeGreaterThan(0);
			expect(tally.denied, "no run was denied").toBeGreaterThan(0);
			expect(tally.rateLimited / tally.total, "429s crowd out the other responses").toBeLessThan(
				MAX_RATE_LIMITED_SHARE,
			);
		},
		timeoutFor(runs),
	);
}

function makeContext(pool: Pool, now: number): PropertyContext {
	const all = pool.entries;
	return {
		pool,
		now,
		entry(prefer) {
			const preferred = prefer === undefined ? [] : all.filter(prefer);
			const any = fc
				.noBias(fc.nat({ max: all.length - 1 }))
				.map((index) => all[index] as PoolEntry);
			if (preferred.length === 0) {
				return any;
			}
			const favourite = fc
				.noBias(fc.nat({ max: preferred.length - 1 }))
				.map((index) => preferred[index] as PoolEntry);
			return fc.oneof({ weight: 1, arbitrary: any }, { weight: 3, arbitrary: favourite });
		},
	};
}
