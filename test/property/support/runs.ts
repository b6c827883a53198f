/**
 * How many runs each property gets. `FUZZ_RUNS` is the total over all
 * property files (default 10,000); each file takes a fixed share of it.
 * vitest.config.ts passes the variable into workerd as a binding, because
 * tests inside workerd cannot read the host's environment.
 */
import { env } from "cloudflare:workers";

/** Total runs in `npm test`; `npm run test:fuzz` sets 200,000. */
const DEFAULT_TOTAL_RUNS = 10_000;

/** Share of the total per property file; the shares add up to 1. */
export const RUN_SHARES = {
	certificate: 0.3,
	headers: 0.15,
	paths: 0.2,
	bodies: 0.2,
	combined: 0.15,
} as const;

export type PropertyName = keyof typeof RUN_SHARES;

/** The bindings this suite adds in vitest.config.ts; they are not part of the Worker's `Env`. */
interface FuzzBindings {
	readonly FUZZ_RUNS?: string;
	readonly FUZZ_SEED?: string;
}

const bindings = env as unknown as FuzzBindings;

export function totalRuns(): number {
	const text = bindings.FUZZ_RUNS ?? "";
	if (text === "") {
		return DEFAULT_TOTAL_RUNS;
	}

	const runs = Number(text);
	if (!Number.isSafeInteger(runs) || runs < 1) {
		throw new Error(`invalid FUZZ_RUNS ${JSON.stringify(text)}: use a positive whole number`);
	}
	return runs;
}

export function runsFor(property: PropertyName): number {
	return Math.max(1, Math.round(totalRuns() * RUN_SHARES[property]));
}

/** `FUZZ_SEED` replays a failure that fast-check reported; unset, fast-check picks a seed. */
export function fuzzSeed(): number | undefined {
	const text = bindings.FUZZ_SEED ?? "";
	if (text === "") {
		return undefined;
	}

	const seed = Number(text);
	if (!Number.isInteger(seed)) {
		throw new Error(
			`invalid FUZZ_SEED ${JSON.stringify(text)}: use the integer seed fast-check printed`,
		);
	}
	return seed;
}

/** Test timeout for `runs` requests: generous, because others share this machine. */
export function timeoutFor(runs: number): number {
	return 60_000 + runs * 25;
}
