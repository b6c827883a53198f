/**
 * Runs every benchmark and prints one summary table.
 *
 *   npm run bench                      all suites, about 5 minutes on 2 cores
 *   npm run bench -- --quick           shorter rounds and smaller counts, under 2 minutes
 *   npm run bench -- --suite=cpu,kv    only the named suites
 *
 * In-process suites (cpu, scaling, kv, memory) each run in a fresh Node
 * process with `--expose-gc`; the bundle and e2e suites drive wrangler.
 * Results go to bench/results/ (ignored by git) as JSON and Markdown.
 * Benchmarks only report: a missed target is listed, not a failure. The exit
 * code is non-zero only when a suite could not run.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { REPOSITORY_ROOT } from "./lib/env.ts";
import { runCommand } from "./lib/processes.ts";
import { markdownTable, progress, type SuiteResult, type SummaryRow } from "./lib/report.ts";
import { wranglerVersion } from "./lib/wrangler.ts";
import { runBundleSuite } from "./suites/bundle.ts";
import { runEndToEndSuite } from "./suites/endToEnd.ts";

const IN_PROCESS_SUITES = ["cpu", "scaling", "kv", "memory"] as const;
const ALL_SUITES = ["bundle", ...IN_PROCESS_SUITES, "e2e"] as const;

const { values } = parseArgs({
	options: {
		quick: { type: "boolean", default: false },
		suite: { type: "string" },
		help: { type: "boolean", default: false },
	},
});

if (values.help) {
	process.stdout.write(
		"usage: npm run bench [-- --quick] [-- --suite=NAME[,NAME…]]\n" +
			`  --quick   shorter rounds and smaller counts (under 2 minutes)\n` +
			`  --suite   run only these suites: ${ALL_SUITES.join(", ")}\n`,
	);
	process.exit(0);
}

const selected = values.suite === undefined ? [...ALL_SUITES] : values.suite.split(",");
const unknown = selected.filter((name) => !(ALL_SUITES as readonly string[]).includes(name));
if (unknown.length > 0) {
	process.stderr.write(
		`unknown suite ${unknown.join(", ")}; choose from ${ALL_SUITES.join(", ")}\n`,
	);
	process.exit(2);
}

const mode = values.quick ? "quick" : "full";
const startedAt = new Date();
const loadBefore = loadavg();
const results: SuiteResult[] = [];
const failures: string[] = [];
const timings: Record<string, number> = {};

for (const suite of ALL_SUITES.filter((name) => selected.includes(name))) {
	const suiteStart = Date.now();
	try {
		results.push(await runSuite(suite));
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		failures.push(`${suite}: ${message}`);
		progress(`${suite} failed: ${message}`);
	}
	timings[suite] = (Date.now() - suiteStart) / 1000;
}

const machine = describeMachine(loadBefore);
const rows: SummaryRow[] = results.flatMap((result) => result.rows);
const table = markdownTable(rows);
const totalSeconds = (Date.now() - startedAt.getTime()) / 1000;

const summary = [
	`mode: ${mode}, ${totalSeconds.toFixed(0)} s (${Object.entries(timings)
		.map(([suite, seconds]) => `${suite} ${seconds.toFixed(0)} s`)
		.join(", ")})`,
	`machine: ${machine.cpu}, ${machine.cores} cores; Node ${machine.node} (V8 ${machine.v8}); ${machine.wrangler}`,
	`load average (1 min) before and after: ${machine.loadBefore.toFixed(2)} and ${machine.loadAfter.toFixed(2)}`,
	"",
	table,
	"",
	...(failures.length === 0 ? [] : ["Suites that could not run:", ...failures, ""]),
].join("\n");

const resultsDir = join(REPOSITORY_ROOT, "bench/results");
mkdirSync(resultsDir, { recursive: true });
const stamp = startedAt
	.toISOString()
	.replaceAll(":", "-")
	.replace(/\.\d+Z$/, "Z");
writeFileSync(
	join(resultsDir, `${stamp}-${mode}.json`),
	JSON.stringify({ startedAt, mode, machine, timings, failures, results }, null, "\t"),
);
writeFileSync(join(resultsDir, `latest-${mode}.md`), `${summary}\n`);

process.stdout.write(`${summary}\n`);
process.exitCode = failures.length === 0 ? 0 : 1;

async function runSuite(suite: (typeof ALL_SUITES)[number]): Promise<SuiteResult> {
	if (suite === "bundle") {
		return runBundleSuite();
	}
	if (suite === "e2e") {
		return runEndToEndSuite({ quick: values.quick });
	}

	const outputFile = join(tmpdir(), `mtls-gate-bench-${process.pid}-${suite}.json`);
	try {
		await runCommand(
			process.execPath,
			[
				"--experimental-strip-types",
				"--disable-warning=ExperimentalWarning",
				"--expose-gc",
				join(REPOSITORY_ROOT, "bench/lib/child.ts"),
				suite,
				mode,
				outputFile,
			],
			{ cwd: REPOSITORY_ROOT, env: process.env, timeoutMs: 300_000, forwardStderr: true },
		);
		return JSON.parse(readFileSync(outputFile, "utf8")) as SuiteResult;
	} finally {
		rmSync(outputFile, { force: true });
	}
}

function describeMachine(loadBefore: readonly number[]) {
	const processors = cpus();
	return {
		cpu: processors[0]?.model.trim() ?? "unknown CPU",
		cores: processors.length,
		node: process.versions.node,
		v8: process.versions.v8,
		wrangler: wranglerVersion(),
		loadBefore: loadBefore[0] ?? Number.NaN,
		loadAfter: loadavg()[0] ?? Number.NaN,
	};
}
