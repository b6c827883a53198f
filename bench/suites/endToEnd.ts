/**
 * End-to-end throughput and latency in workerd: autocannon on loopback
 * against `wrangler dev` serving the baseline Worker and the template, with
 * the same connection count and duration, in alternating rounds: each round
 * runs every case below once, in this order. `request.cf` is set per request
 * through the local runtime's `MF-CF-Blob` header. A ratio is the median of
 * the per-round ratios, so each compares runs seconds apart.
 *
 * - baseline: bench/baseline, and the same Worker logging one line per
 *   request (`baseline + log line`), because the local runtime ships every
 *   console line to wrangler's Node process.
 * - warm: one certificate, whose identity is cached after the first request.
 * - warm, admitting limiter: the same, with both rate limit bindings served
 *   by bench/limiter instead of the local Durable Object that simulates them.
 * - cold: the cache is off (IDENTITY_CACHE_TTL_SECONDS=0) and requests cycle
 *   through N seeded certificates, so every request reads local KV.
 *
 * The template is served from two copies of its wrangler.toml. In one, the
 * rate limits are raised, so a load run from one identity measures the gate
 * rather than 429 responses, and the limiter is still called on every
 * request. In the other, the rate limit bindings point at bench/limiter.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { identityKey } from "../../src/identity/record.ts";
import { REPOSITORY_ROOT, TEMPLATE_CONFIG } from "../lib/env.ts";
import { cfBlobFor, fingerprintFor, identityRecordFor, WARM_CERTIFICATE } from "../lib/fixtures.ts";
import {
	progress,
	type SuiteOptions,
	type SuiteResult,
	type SummaryRow,
	verdict,
} from "../lib/report.ts";
import { formatCount, median } from "../lib/stats.ts";
import { type DevServer, seedIdentities, startDevServer } from "../lib/wrangler.ts";

/** Target: warm-cache throughput of the template as a share of the baseline's. */
const WARM_THROUGHPUT_TARGET = 0.95;

/** Rate limit written into the template's config copy, far above any load run's request count. */
const BENCH_RATE_LIMIT = 1_000_000_000;

const BASELINE_CONFIG = join(REPOSITORY_ROOT, "bench/baseline/wrangler.toml");
const LIMITER_CONFIG = join(REPOSITORY_ROOT, "bench/limiter/wrangler.toml");

/** `name` in bench/limiter/wrangler.toml, the service the rate limit bindings point at. */
const LIMITER_SERVICE = "mtls-edge-gate-bench-limiter";

/** Headers of every load request besides `MF-CF-Blob`; identity encoding keeps local compression out. */
const LOAD_HEADERS = {
	accept: "application/json",
	"accept-encoding": "identity",
	"user-agent": "mtls-gate-bench",
};

interface LoadRun {
	readonly requestsPerSecond: number;
	readonly p50Ms: number;
	readonly p99Ms: number;
	readonly non2xx: number;
	readonly errors: number;
}

interface AutocannonResult {
	readonly requests: { readonly total: number };
	readonly duration: number;
	readonly latency: { readonly p50: number; readonly p99: number };
	readonly non2xx: number;
	readonly errors: number;
	readonly timeouts: number;
}

type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

// autocannon ships CommonJS without type declarations; this is the part of its API used here.
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

export async function runEndToEndSuite(options: SuiteOptions): Promise<SuiteResult> {
	const connections = 10;
	const durationSeconds = options.quick ? 1 : 3;
	const rounds = options.quick ? 3 : 8;
	const coldCertificates = options.quick ? 200 : 1000;

	const workDir = mkdtempSync(join(tmpdir(), "mtls-gate-e2e-"));
	const servers: DevServer[] = [];
	try {
		const templateConfig = writeTemplateConfig(workDir, "raised-limits", raiseRateLimits);
		const stubbedConfig = writeTemplateConfig(workDir, "admitting-limiter", bindAdmittingLimiter);
		progress(`e2e: seeding ${coldCertificates} identities into local KV`);
		await seed(templateConfig, join(workDir, "warm-state"), [WARM_CERTIFICATE], workDir);
		await seed(stubbedConfig, join(workDir, "stubbed-state"), [WARM_CERTIFICATE], workDir);
		await seed(
			templateConfig,
			join(workDir, "cold-state"),
			Array.from({ length: coldCertificates + 1 }, (_, index) => index),
			workDir,
		);

		progress("e2e: starting five wrangler dev servers");
		const start = (
			name: string,
			configPaths: readonly string[],
			state: string,
			vars?: Record<string, string>,
		) =>
			startDevServer({
				name,
				configPaths,
				persistTo: join(workDir, state),
				logFile: join(workDir, `${name}.log`),
				...(vars === undefined ? {} : { vars }),
			}).then((server) => {
				servers.push(server);
				return server;
			});
		const [baseline, baselineLogging, warm, stubbed, cold] = await Promise.all([
			start("baseline", [BASELINE_CONFIG], "baseline-state"),
			start("baseline-log", [BASELINE_CONFIG], "baseline-log-state", { LOG_EACH_REQUEST: "true" }),
			start("warm", [templateConfig], "warm-state"),
			start("warm-stub", [stubbedConfig, LIMITER_CONFIG], "stubbed-state"),
			start("cold", [templateConfig], "cold-state", { IDENTITY_CACHE_TTL_SECONDS: "0" }),
		]);
		for (const server of [baselineLogging, warm, stubbed]) {
			await assertSameBody(baseline, server);
		}

		const warmRequests = [requestFor(WARM_CERTIFICATE)];
		const coldRequests = Array.from({ length: coldCertificates }, (_, index) =>
			requestFor(index + 1),
		);
		const cases = [
			{ name: "baseline", server: baseline, requests: warmRequests },
			{ name: "baseline + log line", server: baselineLogging, requests: warmRequests },
			{ name: "warm", server: warm, requests: warmRequests },
			{ name: "warm, admitting limiter", server: stubbed, requests: warmRequests },
			{ name: "cold", server: cold, requests: coldRequests },
		] as const;

		progress("e2e: warm-up");
		for (const { server, requests } of cases) {
			await load(server, requests, connections, 2);
		}

		const runs = new Map<string, LoadRun[]>(cases.map(({ name }) => [name, []]));
		for (let round = 0; round < rounds; round += 1) {
			for (const { name, server, requests } of cases) {
				progress(`e2e: round ${round + 1}/${rounds}, ${name}, ${durationSeconds} s`);
				runs.get(name)?.push(await load(server, requests, connections, durationSeconds));
			}
		}

		return summarize(runs, { connections, durationSeconds, rounds, coldCertificates });
	} finally {
		await Promise.all(servers.map((server) => server.process.stop()));
		rmSync(workDir, { recursive: true, force: true });
	}
}

/** Copies the template's wrangler.toml with an absolute `main`, changed by `edit`. */
function writeTemplateConfig(
	workDir: string,
	variant: string,
	edit: (config: string) => string,
): string {
	const original = readFileSync(TEMPLATE_CONFIG, "utf8");
	const config = edit(
		original.replace(
			/^main\s*=\s*"([^"]+)"/m,
			(_, main: string) => `main = "${join(REPOSITORY_ROOT, main)}"`,
		),
	);
	const directory = join(workDir, variant);
	mkdirSync(directory);
	const path = join(directory, "wrangler.toml");
	writeFileSync(path, config);
	return path;
}

/** Raises the `limit` of every `[[ratelimits]]` table to `BENCH_RATE_LIMIT`. */
function raiseRateLimits(config: string): string {
	return config.replace(/(simple\s*=\s*\{\s*limit\s*=\s*)\d+/g, `$1${BENCH_RATE_LIMIT}`);
}

/**
 * Replaces every `[[ratelimits]]` table with a service binding of the same
 * name to bench/limiter. Lines from such a table up to the next table header
 * are dropped, comments included.
 */
function bindAdmittingLimiter(config: string): string {
	const keptLines: string[] = [];
	const names: string[] = [];
	let inRateLimits = false;

	for (const line of config.split("\n")) {
		if (line.startsWith("[")) {
			inRateLimits = line.trim() === "[[ratelimits]]";
		}
		if (!inRateLimits) {
			keptLines.push(line);
			continue;
		}
		const name = /^name\s*=\s*"([^"]+)"/.exec(line.trim());
		if (name !== null) {
			names.push(name[1] as string);
		}
	}

	const services = names.map(
		(name) => `\n[[services]]\nbinding = "${name}"\nservice = "${LIMITER_SERVICE}"\n`,
	);
	return `${keptLines.join("\n")}\n${services.join("")}`;
}

async function seed(
	configPath: string,
	persistTo: string,
	certificates: readonly number[],
	workDir: string,
): Promise<void> {
	await seedIdentities({
		configPath,
		persistTo,
		seedFile: join(workDir, "seed.json"),
		entries: certificates.map((index) => ({
			key: identityKey(fingerprintFor(index)),
			value: JSON.stringify(identityRecordFor(index)),
		})),
	});
}

function requestFor(certificate: number) {
	return {
		method: "GET",
		path: "/v1/whoami",
		headers: { ...LOAD_HEADERS, "mf-cf-blob": cfBlobFor(certificate) },
	};
}

/** Throws unless both Workers return 200 and the same body for the warm request. */
async function assertSameBody(baseline: DevServer, template: DevServer): Promise<void> {
	const headers = { ...LOAD_HEADERS, "mf-cf-blob": cfBlobFor(WARM_CERTIFICATE) };
	const fromBaseline = await fetch(`${baseline.origin}/v1/whoami`, { headers });
	const fromTemplate = await fetch(`${template.origin}/v1/whoami`, { headers });
	const baselineBody = await fromBaseline.text();
	const templateBody = await fromTemplate.text();
	if (fromBaseline.status !== 200 || fromTemplate.status !== 200 || baselineBody !== templateBody) {
		throw new Error(
			`baseline and template disagree under wrangler dev: status ${fromBaseline.status} and ` +
				`${fromTemplate.status}, bodies ${baselineBody === templateBody ? "equal" : "differ"}`,
		);
	}
}

async function load(
	server: DevServer,
	requests: readonly object[],
	connections: number,
	durationSeconds: number,
): Promise<LoadRun> {
	const result = await autocannon({
		url: server.origin,
		connections,
		duration: durationSeconds,
		requests,
	});
	return {
		requestsPerSecond: result.requests.total / result.duration,
		p50Ms: result.latency.p50,
		p99Ms: result.latency.p99,
		non2xx: result.non2xx,
		errors: result.errors + result.timeouts,
	};
}

function summarize(
	runs: ReadonlyMap<string, readonly LoadRun[]>,
	settings: {
		readonly connections: number;
		readonly durationSeconds: number;
		readonly rounds: number;
		readonly coldCertificates: number;
	},
): SuiteResult {
	const baseline = runs.get("baseline") ?? [];
	const describe = (name: string) => {
		const caseRuns = runs.get(name) ?? [];
		const throughputRatios = caseRuns.map(
			(run, round) => run.requestsPerSecond / (baseline[round] as LoadRun).requestsPerSecond,
		);
		return {
			requestsPerSecond: median(caseRuns.map((run) => run.requestsPerSecond)),
			p50Ms: median(caseRuns.map((run) => run.p50Ms)),
			p99Ms: median(caseRuns.map((run) => run.p99Ms)),
			throughputRatio: median(throughputRatios),
			throughputRatios,
			failed: caseRuns.reduce((sum, run) => sum + run.non2xx + run.errors, 0),
		};
	};
	const base = describe("baseline");
	const baseLogging = describe("baseline + log line");
	const warm = describe("warm");
	const stubbed = describe("warm, admitting limiter");
	const cold = describe("cold");

	const rowsFor = (
		label: string,
		figures: ReturnType<typeof describe>,
		target?: number,
	): SummaryRow[] => [
		{
			suite: "e2e",
			measure: `${label}: req/s (median of rounds)`,
			value: figures.requestsPerSecond.toFixed(0),
			baseline: base.requestsPerSecond.toFixed(0),
			ratio: `${figures.throughputRatio.toFixed(2)}×`,
			target: target === undefined ? "" : `≥ ${target}× baseline`,
			verdict: target === undefined ? "" : verdict(figures.throughputRatio >= target),
		},
		{
			suite: "e2e",
			measure: `${label}: latency p50 / p99`,
			value: `${figures.p50Ms} / ${figures.p99Ms} ms`,
			baseline: `${base.p50Ms} / ${base.p99Ms} ms`,
			ratio: `${(figures.p50Ms / base.p50Ms).toFixed(2)}× / ${(figures.p99Ms / base.p99Ms).toFixed(2)}×`,
			target: "",
			verdict: "",
		},
	];

	const failed = [base, baseLogging, warm, stubbed, cold].reduce(
		(sum, figures) => sum + figures.failed,
		0,
	);
	if (failed > 0) {
		throw new Error(
			`${failed} load requests failed or returned a non-2xx status; check the wrangler logs in the work directory`,
		);
	}

	return {
		suite: "e2e",
		rows: [
			...rowsFor("warm cache, 1 certificate", warm, WARM_THROUGHPUT_TARGET),
			...rowsFor("warm cache, admitting limiter in place of the local one", stubbed),
			...rowsFor(`cold cache, ${formatCount(settings.coldCertificates)} certificates`, cold),
			...rowsFor("baseline + one log line per request", baseLogging),
		],
		details: {
			settings,
			baseline: base,
			baselineLogging: baseLogging,
			warm,
			stubbed,
			cold,
			runs: Object.fromEntries(runs),
		},
	};
}
