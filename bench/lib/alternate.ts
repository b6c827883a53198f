/**
 * Measures operations in alternating rounds (A B A B …) with tinybench, so a
 * change in machine load during the run affects every operation alike and
 * each ratio compares figures taken seconds apart.
 *
 * Each sample is timed here with `process.hrtime.bigint()` around the call
 * (or around `batch` calls, giving the mean of the batch) and handed to
 * tinybench as `overriddenDuration`, so tinybench's own loop and promise
 * handling stay out of the figures. The calibrated cost of one timer pair is
 * subtracted from every sample.
 */
import { Bench } from "tinybench";
import { median, quantile } from "./stats.ts";

export interface Operation {
	readonly name: string;
	readonly run: () => unknown;
	/** `true` when `run` returns a promise that must be awaited inside the timed window. */
	readonly async: boolean;
	/** Calls per sample; above 1 each sample is the mean of the batch, which hides per-call outliers. */
	readonly batch?: number;
}

export interface AlternationOptions {
	readonly rounds: number;
	/** Measured time per operation per round, in milliseconds. */
	readonly timeMs: number;
	/** Warm-up time per operation per round, in milliseconds. */
	readonly warmupMs: number;
}

export interface Measurement {
	readonly name: string;
	/** Median over the samples of every round, in nanoseconds per call. */
	readonly medianNs: number;
	/** 99th percentile over the samples of every round, in nanoseconds per call. */
	readonly p99Ns: number;
	readonly samples: number;
	readonly batch: number;
	/** Median of each round, in round order, in nanoseconds per call. */
	readonly roundMediansNs: readonly number[];
}

const timerOverheadNs = calibrateTimerOverhead();

/** Nanoseconds one `process.hrtime.bigint()` pair costs on this machine, as subtracted from samples. */
export function timerOverhead(): number {
	return timerOverheadNs;
}

export async function measureAlternating(
	operations: readonly Operation[],
	options: AlternationOptions,
): Promise<Measurement[]> {
	const samples = new Map<string, number[]>(operations.map((operation) => [operation.name, []]));
	const roundMedians = new Map<string, number[]>(
		operations.map((operation) => [operation.name, []]),
	);

	for (let round = 0; round < options.rounds; round += 1) {
		collectGarbage();
		const bench = new Bench({
			time: options.timeMs,
			warmupTime: options.warmupMs,
			iterations: 10,
			warmupIterations: 10,
			retainSamples: true,
			throws: true,
		});
		for (const operation of operations) {
			bench.add(operation.name, timedSample(operation));
		}
		await bench.run();

		for (const task of bench.tasks) {
			const result = task.result;
			if (result.state !== "completed" || result.latency.samples === undefined) {
				throw new Error(`benchmark task ${task.name} ended in state ${result.state}`);
			}
			const roundSamples = Array.from(result.latency.samples, (ms) => ms * 1e6);
			const pooled = samples.get(task.name) ?? [];
			for (const sample of roundSamples) {
				pooled.push(sample);
			}
			roundMedians.get(task.name)?.push(median(roundSamples));
		}
	}

	return operations.map((operation) => {
		const all = samples.get(operation.name) ?? [];
		return {
			name: operation.name,
			medianNs: median(all),
			p99Ns: quantile(all, 0.99),
			samples: all.length,
			batch: operation.batch ?? 1,
			roundMediansNs: roundMedians.get(operation.name) ?? [],
		};
	});
}

interface Sample {
	readonly overriddenDuration: number;
	readonly overriddenIterationCost: number;
}

function timedSample(operation: Operation): () => Sample | Promise<Sample> {
	const batch = operation.batch ?? 1;
	const { run } = operation;

	const toSample = (elapsedNs: number): Sample => ({
		overriddenDuration: Math.max(0, elapsedNs - timerOverheadNs) / batch / 1e6,
		overriddenIterationCost: elapsedNs / 1e6,
	});

	if (operation.async) {
		return async () => {
			const start = process.hrtime.bigint();
			for (let call = 0; call < batch; call += 1) {
				await run();
			}
			return toSample(Number(process.hrtime.bigint() - start));
		};
	}

	return () => {
		const start = process.hrtime.bigint();
		for (let call = 0; call < batch; call += 1) {
			run();
		}
		return toSample(Number(process.hrtime.bigint() - start));
	};
}

function calibrateTimerOverhead(): number {
	const pairs: number[] = [];
	for (let index = 0; index < 50_000; index += 1) {
		const start = process.hrtime.bigint();
		pairs.push(Number(process.hrtime.bigint() - start));
	}
	return median(pairs.slice(10_000));
}

/** Runs a full collection when the process was started with `--expose-gc`; otherwise does nothing. */
export function collectGarbage(): void {
	const gc = (globalThis as { gc?: () => void }).gc;
	gc?.();
}
