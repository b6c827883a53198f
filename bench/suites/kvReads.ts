/**
 * KV reads per request, counted by wrapping the IDENTITIES binding: 10,000
 * requests from 1, 100 and 10,000 distinct certificates on a fresh isolate,
 * the same again on the now warm isolate, and again once the cache TTL has
 * passed. A fourth pass sends the first 10,000 requests 50 at a time, as they
 * reach an isolate that serves concurrent requests.
 *
 * The clock is moved by replacing `Date.now` in this process, so the TTL
 * pass takes no real time.
 */

import { identityKey } from "../../src/identity/record.ts";
import worker from "../../src/index.ts";
import { createGateEnv, readWranglerVars, silenceWorkerLogs } from "../lib/env.ts";
import {
	fingerprintFor,
	gateRequest,
	identityRecordFor,
	tlsClientAuthFor,
} from "../lib/fixtures.ts";
import { MemoryKv } from "../lib/memoryKv.ts";
import {
	progress,
	type SuiteOptions,
	type SuiteResult,
	type SummaryRow,
	verdict,
} from "../lib/report.ts";
import { formatCount } from "../lib/stats.ts";

const REQUESTS_PER_PASS = 10_000;
const DISTINCT_CERTIFICATES = [1, 100, 10_000] as const;
const CONCURRENT_REQUESTS = 50;

interface PassCounts {
	readonly distinct: number;
	readonly firstPass: number;
	readonly warmPass: number;
	readonly afterTtl: number;
	readonly concurrentFirstPass: number;
}

export async function runKvReadsSuite(_options: SuiteOptions): Promise<SuiteResult> {
	silenceWorkerLogs();
	const ttlSeconds = Number(readWranglerVars().IDENTITY_CACHE_TTL_SECONDS ?? "30");
	const largest = Math.max(...DISTINCT_CERTIFICATES);
	const requests = Array.from({ length: largest }, (_, index) =>
		gateRequest("/v1/whoami", tlsClientAuthFor(index)),
	);
	const indexOf = new Map<string, number>();
	for (let index = 0; index < largest; index += 1) {
		indexOf.set(identityKey(fingerprintFor(index)), index);
	}
	const recordOf = (key: string): string | null => {
		const index = indexOf.get(key);
		return index === undefined ? null : JSON.stringify(identityRecordFor(index));
	};

	const realNow = Date.now;
	let clockOffsetMs = 0;
	Date.now = () => realNow() + clockOffsetMs;

	const counts: PassCounts[] = [];
	try {
		for (const distinct of DISTINCT_CERTIFICATES) {
			progress(
				`kv: ${formatCount(REQUESTS_PER_PASS)} requests from ${formatCount(distinct)} certificates`,
			);
			const sequential = createGateEnv(new MemoryKv(recordOf));
			const pass = async (): Promise<number> => {
				const before = sequential.identities.reads;
				for (let request = 0; request < REQUESTS_PER_PASS; request += 1) {
					await expectOk(worker.fetch?.(requests[request % distinct] as Request, sequential.env));
				}
				return sequential.identities.reads - before;
			};

			const firstPass = await pass();
			const warmPass = await pass();
			clockOffsetMs += (ttlSeconds + 1) * 1000;
			const afterTtl = await pass();

			const concurrent = createGateEnv(new MemoryKv(recordOf));
			for (let start = 0; start < REQUESTS_PER_PASS; start += CONCURRENT_REQUESTS) {
				const batch = Array.from({ length: CONCURRENT_REQUESTS }, (_, offset) =>
					expectOk(
						worker.fetch?.(requests[(start + offset) % distinct] as Request, concurrent.env),
					),
				);
				await Promise.all(batch);
			}

			counts.push({
				distinct,
				firstPass,
				warmPass,
				afterTtl,
				concurrentFirstPass: concurrent.identities.reads,
			});
		}
	} finally {
		Date.now = realNow;
	}

	return { suite: "kv", rows: counts.flatMap(rowsFor), details: { ttlSeconds, counts } };
}

async function expectOk(pending: Promise<Response> | undefined): Promise<void> {
	const response = await pending;
	if (response?.status !== 200) {
		throw new Error(`expected 200 from the gate, got ${response?.status}`);
	}
}

function rowsFor(counts: PassCounts): SummaryRow[] {
	const { distinct } = counts;
	const label = `10,000 requests, ${formatCount(distinct)} certificate${distinct === 1 ? "" : "s"}`;
	const perCertificate = (reads: number): string =>
		`${formatCount(reads)} (${(reads / distinct).toFixed(2)}/cert)`;

	return [
		{
			suite: "kv reads",
			measure: `${label}, fresh isolate`,
			value: perCertificate(counts.firstPass),
			baseline: "",
			ratio: "",
			target: "≤ 1/cert per TTL",
			verdict: verdict(counts.firstPass <= distinct),
		},
		{
			suite: "kv reads",
			measure: `${label}, warm isolate`,
			value: formatCount(counts.warmPass),
			baseline: "",
			ratio: "",
			target: "0",
			verdict: verdict(counts.warmPass === 0),
		},
		{
			suite: "kv reads",
			measure: `${label}, after the TTL`,
			value: perCertificate(counts.afterTtl),
			baseline: "",
			ratio: "",
			target: "≤ 1/cert per TTL",
			verdict: verdict(counts.afterTtl <= distinct),
		},
		{
			suite: "kv reads",
			measure: `${label}, fresh isolate, ${CONCURRENT_REQUESTS} in flight`,
			value: perCertificate(counts.concurrentFirstPass),
			baseline: "",
			ratio: "",
			target: "≤ 1/cert per TTL",
			verdict: verdict(counts.concurrentFirstPass <= distinct),
		},
	];
}
