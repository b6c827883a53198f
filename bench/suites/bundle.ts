/**
 * Bundle size: `wrangler deploy --dry-run --outdir` of the template and of the
 * baseline Worker, raw and gzip (zlib level 9) bytes of the JavaScript
 * wrangler would upload.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { REPOSITORY_ROOT, TEMPLATE_CONFIG } from "../lib/env.ts";
import { progress, type SuiteResult, type SummaryRow, verdict } from "../lib/report.ts";
import { formatBytes, formatCount, formatRatio } from "../lib/stats.ts";
import { dryRunBundle } from "../lib/wrangler.ts";

/** Target for the template, in gzip bytes (20 KB, read as 20,000 bytes). */
const GZIP_TARGET_BYTES = 20_000;

const BASELINE_CONFIG = join(REPOSITORY_ROOT, "bench/baseline/wrangler.toml");

interface BundleSize {
	readonly rawBytes: number;
	readonly gzipBytes: number;
	readonly files: readonly string[];
}

export async function runBundleSuite(): Promise<SuiteResult> {
	const workDir = mkdtempSync(join(tmpdir(), "mtls-gate-bundle-"));
	try {
		progress("bundle: wrangler deploy --dry-run of the template and the baseline");
		const template = await bundleSize(TEMPLATE_CONFIG, join(workDir, "template"));
		const baseline = await bundleSize(BASELINE_CONFIG, join(workDir, "baseline"));

		const rows: SummaryRow[] = [
			{
				suite: "bundle",
				measure: "gzip bytes",
				value: `${formatCount(template.gzipBytes)} B (${formatBytes(template.gzipBytes)})`,
				baseline: `${formatCount(baseline.gzipBytes)} B`,
				ratio: formatRatio(template.gzipBytes / baseline.gzipBytes),
				target: "≤ 20,000 B",
				verdict: verdict(template.gzipBytes <= GZIP_TARGET_BYTES),
			},
			{
				suite: "bundle",
				measure: "raw bytes",
				value: `${formatCount(template.rawBytes)} B (${formatBytes(template.rawBytes)})`,
				baseline: `${formatCount(baseline.rawBytes)} B`,
				ratio: formatRatio(template.rawBytes / baseline.rawBytes),
				target: "",
				verdict: "",
			},
		];
		return { suite: "bundle", rows, details: { template, baseline } };
	} finally {
		rmSync(workDir, { recursive: true, force: true });
	}
}

async function bundleSize(configPath: string, outDir: string): Promise<BundleSize> {
	await dryRunBundle(configPath, outDir);
	const files = readdirSync(outDir).filter((name) => name.endsWith(".js") || name.endsWith(".mjs"));
	if (files.length === 0) {
		throw new Error(`wrangler wrote no JavaScript to ${outDir}`);
	}
	const code = Buffer.concat(files.map((name) => readFileSync(join(outDir, name))));
	return {
		rawBytes: code.byteLength,
		gzipBytes: gzipSync(code, { level: 9 }).byteLength,
		files,
	};
}
