/**
 * Heap after 100,000 requests from distinct certificates, with the template's
 * cache bound (IDENTITY_CACHE_MAX_ENTRIES in wrangler.toml). The heap is
 * measured after two full collections at checkpoints; once the cache is
 * full it must stop growing, whatever the request count.
 *
 * Needs `--expose-gc`, which the runner passes to the suite's process.
 */
import worker from "../../src/index.ts";
import { getRuntime } from "../../src/runtime.ts";
import { collectGarbage } from "../lib/alternate.ts";
import { createGateEnv, readWranglerVars, silenceWorkerLogs } from "../lib/env.ts";
import { gateRequest, identityRecordFor, tlsClientAuthFor } from "../lib/fixtures.ts";
import { MemoryKv } from "../lib/memoryKv.ts";
import {
	progress,
	type SuiteOptions,
	type SuiteResult,
	type SummaryRow,
	verdict,
} from "../lib/report.ts";
import { formatBytes, formatCount, formatRatio } from "../lib/stats.ts";

/** Request counts at which the heap is read; `--quick` stops at 30,000, three times the cache bound. */
const CHECKPOINTS = [0, 10_000, 25_000, 50_000, 100_000] as const;
const QUICK_CHECKPOINTS = [0, 10_000, 20_000, 30_000] as const;

/** Growth after the cache is full, as a share of the growth that filled it, still counted as flat. */
const FLAT_GROWTH_SHARE = 0.2;

interface Checkpoint {
	readonly requests: number;
	readonly heapUsedBytes: number;
	readonly cachedIdentities: number;
}

export async function runMemorySuite(options: SuiteOptions): Promise<SuiteResult> {
	if ((globalThis as { gc?: unknown }).gc === undefined) {
		throw new Error("the memory suite needs node --expose-gc");
	}
	silenceWorkerLogs();

	const cacheBound = Number(readWranglerVars().IDENTITY_CACHE_MAX_ENTRIES ?? "10000");
	// Every certificate maps to a valid record, built from its key on each
	// read, so the stand-in stores no values in the measured heap.
	const template = identityRecordFor(1);
	const identities = new MemoryKv((key) =>
		JSON.stringify({ ...template, principal: `svc-${key.slice(-16)}` }),
	);
	const { env } = createGateEnv(identities);

	// One request builds the isolate's runtime before the first checkpoint.
	await send(env, -1);

	const checkpoints: Checkpoint[] = [];
	let sent = 0;
	for (const target of options.quick ? QUICK_CHECKPOINTS : CHECKPOINTS) {
		for (; sent < target; sent += 1) {
			await send(env, sent);
		}
		collectGarbage();
		collectGarbage();
		checkpoints.push({
			requests: sent,
			heapUsedBytes: process.memoryUsage().heapUsed,
			cachedIdentities: getRuntime(env)?.identityCache.size ?? 0,
		});
		progress(
			`memory: ${formatCount(sent)} requests, heap ${formatBytes(process.memoryUsage().heapUsed)}`,
		);
	}

	const first = checkpoints[0] as Checkpoint;
	const full = checkpoints.find((checkpoint) => checkpoint.requests >= cacheBound) ?? first;
	const last = checkpoints[checkpoints.length - 1] as Checkpoint;
	const fillGrowth = full.heapUsedBytes - first.heapUsedBytes;
	const laterGrowth = last.heapUsedBytes - full.heapUsedBytes;

	const rows: SummaryRow[] = checkpoints.map((checkpoint, index) => ({
		suite: "memory",
		measure: `heap after ${formatCount(checkpoint.requests)} distinct certificates (${formatCount(checkpoint.cachedIdentities)} cached)`,
		value:
			index === 0
				? formatBytes(checkpoint.heapUsedBytes)
				: `${formatBytes(checkpoint.heapUsedBytes)} (+${formatBytes(checkpoint.heapUsedBytes - first.heapUsedBytes)})`,
		baseline: index === 0 ? "" : formatBytes(first.heapUsedBytes),
		ratio: index === 0 ? "" : formatRatio(checkpoint.heapUsedBytes / first.heapUsedBytes),
		target: index === checkpoints.length - 1 ? "flat once the cache is full" : "",
		verdict:
			index === checkpoints.length - 1
				? verdict(laterGrowth <= fillGrowth * FLAT_GROWTH_SHARE)
				: "",
	}));

	return {
		suite: "memory",
		rows,
		details: {
			cacheBound,
			checkpoints,
			bytesPerCachedIdentity: fillGrowth / Math.max(1, full.cachedIdentities),
			growthAfterCacheFullBytes: laterGrowth,
		},
	};
}

async function send(env: Env, certificate: number): Promise<void> {
	const response = await worker.fetch?.(
		gateRequest("/v1/whoami", tlsClientAuthFor(certificate)),
		env,
	);
	if (response?.status !== 200) {
		throw new Error(`certificate ${certificate} got status ${response?.status}`);
	}
}
