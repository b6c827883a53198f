import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// The local runtime would otherwise try to download Cloudflare's cf.json at
// start-up, which fails or stalls on a machine without network.
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";

// Two projects. "workers" runs inside workerd with the bindings of wrangler.toml
// and real local KV. "node" runs the dev tooling, the CLI and the end-to-end
// suites that start `wrangler dev` on loopback.
export default defineConfig({
	test: {
		// Log lines of passing tests are noise; a failing test still shows its output.
		silent: "passed-only",
		projects: [
			{
				plugins: [
					cloudflareTest({
						wrangler: { configPath: "./wrangler.toml" },
						// Tests in workerd cannot read the host's environment, so the
						// property tests get their run count and seed as bindings.
						miniflare: {
							bindings: {
								FUZZ_RUNS: process.env.FUZZ_RUNS ?? "",
								FUZZ_SEED: process.env.FUZZ_SEED ?? "",
							},
						},
					}),
				],
				test: {
					name: "workers",
					include: ["test/**/*.test.ts"],
					exclude: ["test/node/**", "test/e2e/**"],
				},
			},
			{
				test: {
					name: "node",
					environment: "node",
					include: ["test/node/**/*.test.ts", "test/e2e/**/*.test.ts"],
					testTimeout: 60_000,
					hookTimeout: 120_000,
				},
			},
		],
	},
});
