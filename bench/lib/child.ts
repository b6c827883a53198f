/**
 * Runs one in-process suite in its own Node process, so the JIT state and
 * heap of one suite stay out of another's figures, and writes its result as JSON.
 * Usage: node --experimental-strip-types --expose-gc bench/lib/child.ts SUITE quick|full OUTPUT_FILE
 */
import { writeFileSync } from "node:fs";
import { runCpuSuite } from "../suites/cpu.ts";
import { runKvReadsSuite } from "../suites/kvReads.ts";
import { runMemorySuite } from "../suites/memory.ts";
import { runScalingSuite } from "../suites/scaling.ts";
import type { SuiteOptions, SuiteResult } from "./report.ts";

const IN_PROCESS_SUITES: Readonly<Record<string, (options: SuiteOptions) => Promise<SuiteResult>>> =
	{
		cpu: runCpuSuite,
		scaling: runScalingSuite,
		kv: runKvReadsSuite,
		memory: runMemorySuite,
	};

const [suiteName = "", mode = "", outputFile = ""] = process.argv.slice(2);
const suite = IN_PROCESS_SUITES[suiteName];
if (suite === undefined || (mode !== "quick" && mode !== "full") || outputFile === "") {
	process.stderr.write(
		`usage: child.ts SUITE quick|full OUTPUT_FILE, where SUITE is one of ${Object.keys(IN_PROCESS_SUITES).join(", ")}\n`,
	);
	process.exit(2);
}

const result = await suite({ quick: mode === "quick" });
writeFileSync(outputFile, JSON.stringify(result, null, "\t"));
