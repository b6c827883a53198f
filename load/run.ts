/**
 * Bounded load on loopback. The run starts `wrangler dev` with a temporary
 * state folder and stores identities in its local KV. It then sends a mix of
 * valid and invalid requests for a fixed time and count, checks every
 * response, and reports the memory of workerd and of the Worker's heap. It
 * exits non-zero on any wrong decision, any 5xx the run did not cause on
 * purpose, or any failed request.
 *
 *   npm run load -- --duration 60 --max-requests 1000000 --concurrency 16
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DriveResult, drive } from "./drive.ts";
import { buildFixtures } from "./fixtures.ts";
import { openHeapMonitor } from "./inspector.ts";
import { parseOptions } from "./options.ts";
import { bulkPutIdentities, residentKiB, startDevServer } from "./wrangler.ts";

/** Requests sent before the start memory is read, so start-up allocations do not count as growth. */
const WARM_UP_REQUESTS = 500;

/** Seconds between memory samples during the run. */
const MEMORY_SAMPLE_SECONDS = 5;

/** Extra lifetime of wrangler beyond the load itself: start-up, warm-up and shutdown. */
const LIFETIME_MARGIN_MS = 300_000;

const options = parseOptions(process.argv.slice(2));
const now = Date.now();
const stateDir = await mkdtemp(join(tmpdir(), "mtls-gate-load-"));
const fixtures = buildFixtures(randomBytes(3).toString("hex"), now);

let server: Awaited<ReturnType<typeof startDevServer>> | undefined;
const cleanUp = async () => {
	await server?.stop();
	await rm(stateDir, { recursive: true, force: true });
};
process.once("SIGINT", () => {
	void cleanUp().then(() => process.exit(130));
});

let exitCode = 1;
try {
	console.log(`load: storing ${fixtures.entries.length} identities in ${stateDir}`);
	const identitiesFile = join(stateDir, "identities.json");
	await writeFile(identitiesFile, JSON.stringify(fixtures.entries));
	await bulkPutIdentities(identitiesFile, stateDir);

	console.log("load: starting wrangler dev on 127.0.0.1");
	server = await startDevServer({
		persistTo: stateDir,
		vars: {},
		maxLifetimeMs: options.durationSeconds * 1000 + LIFETIME_MARGIN_MS,
	});
	console.log(`load: ${server.url}, workerd pid ${server.workerdPid}`);

	const base = {
		url: server.url,
		callers: fixtures.callers,
		now,
		concurrency: options.concurrency,
	};
	const warmUp = await drive({
		...base,
		deadline: Date.now() + 60_000,
		maxRequests: WARM_UP_REQUESTS,
	});
	const startKiB = await residentKiB(server.workerdPid);

	// Resident memory and the Worker's heap are sampled while requests flow.
	// NOTE: under wrangler 4.164.0, workerd's VmRSS also grows for a Worker that only
	// returns a constant: about 90 to 610 MiB over the first 50,000 requests, then
	// level (2-core machine, 16 in flight). The heap samples show the Worker itself.
	const pid = server.workerdPid;
	const heapMonitor = await openHeapMonitor(server.inspectorPort);
	const samples: MemorySample[] = [];
	const sampler = setInterval(() => {
		void Promise.all([residentKiB(pid), heapMonitor?.usedHeapBytes()]).then(([kib, heapBytes]) => {
			samples.push({ kib, heapBytes });
		});
	}, MEMORY_SAMPLE_SECONDS * 1000);

	console.log(
		`load: ${options.durationSeconds} s or ${options.maxRequests} requests, ${options.concurrency} in flight`,
	);
	const startedAt = Date.now();
	const result = await drive({
		...base,
		only: options.only,
		deadline: startedAt + options.durationSeconds * 1000,
		maxRequests: options.maxRequests,
	});
	const elapsedSeconds = (Date.now() - startedAt) / 1000;
	clearInterval(sampler);
	heapMonitor?.close();
	const endKiB = await residentKiB(pid);

	report(warmUp, result, elapsedSeconds, { startKiB, endKiB, samples });
	const failed = [warmUp, result].some(
		(r) => r.wrong > 0 || r.unexpected5xx > 0 || r.devServer5xx > 0 || r.failedRequests > 0,
	);
	exitCode = failed || result.checked === 0 ? 1 : 0;
} catch (error) {
	console.error(`load: ${(error as Error).message}`);
} finally {
	await cleanUp();
}
process.exit(exitCode);

interface MemorySample {
	/** VmRSS of the workerd process, in KiB. */
	readonly kib: number | undefined;
	/** Used JavaScript heap of the Worker's isolate, garbage included, in bytes. */
	readonly heapBytes: number | undefined;
}

interface MemoryReadings {
	readonly startKiB: number | undefined;
	readonly endKiB: number | undefined;
	readonly samples: readonly MemorySample[];
}

function mib(kib: number | undefined): string {
	return kib === undefined ? "unknown" : `${(kib / 1024).toFixed(1)} MiB`;
}

function report(
	warmUp: DriveResult,
	result: DriveResult,
	seconds: number,
	memory: MemoryReadings,
): void {
	const { startKiB, endKiB, samples } = memory;
	const heapKiB = samples.flatMap((sample) =>
		sample.heapBytes === undefined ? [] : [sample.heapBytes / 1024],
	);
	const heapRange =
		heapKiB.length === 0
			? "unknown (no inspector reply)"
			: `min ${mib(Math.min(...heapKiB))}, max ${mib(Math.max(...heapKiB))}, last ${mib(heapKiB.at(-1))} (garbage included)`;
	const series = (values: (number | undefined)[]) =>
		values.map((kib) => (kib === undefined ? "?" : (kib / 1024).toFixed(1))).join(" ");
	const lines = [
		`requests sent:         ${result.sent} in ${seconds.toFixed(1)} s (${(result.sent / seconds).toFixed(0)}/s), after ${warmUp.sent} warm-up requests`,
		`decisions checked:     ${result.checked}`,
		`wrong decisions:       ${result.wrong + warmUp.wrong}`,
		`non-injected 5xx:      ${result.unexpected5xx + warmUp.unexpected5xx}`,
		`5xx from wrangler dev: ${result.devServer5xx + warmUp.devServer5xx} (not from the Worker: no x-request-id)`,
		`injected 5xx:          ${result.injected5xx} (500 internal_error for invalid identity records)`,
		`rate limited (429):    ${result.rateLimited}`,
		`failed requests:       ${result.failedRequests + warmUp.failedRequests}`,
		`workerd memory VmRSS:  start ${mib(startKiB)}, end ${mib(endKiB)}`,
		`workerd VmRSS every ${MEMORY_SAMPLE_SECONDS} s (MiB): ${series(samples.map((sample) => sample.kib))}`,
		`Worker heap:           ${heapRange}`,
		`Worker heap every ${MEMORY_SAMPLE_SECONDS} s (MiB): ${series(samples.map((sample) => (sample.heapBytes === undefined ? undefined : sample.heapBytes / 1024)))}`,
	];
	console.log(lines.join("\n"));

	const mix = [...result.byScenario.entries()]
		.map(([name, count]) => `${name} ${count}`)
		.join(", ");
	console.log(`mix: ${mix}`);
	for (const failure of [...warmUp.failures, ...result.failures]) {
		console.log(`wrong: ${failure}`);
	}
}
