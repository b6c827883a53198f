import { rm } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import type { KvTarget } from "../../../cli/kv.ts";
import { computePropagationDelay, readWorkerVars } from "../../../cli/propagation.ts";
import { makeTempDir, writeFixture } from "./certificates.ts";

const LOCAL: KvTarget = { remote: false, persistTo: undefined, env: undefined, config: undefined };

const CONFIG = `name = "propagation-test"
main = "src/index.ts"
compatibility_date = "2026-11-01"

[vars]
IDENTITY_CACHE_TTL_SECONDS = "10"
KV_CACHE_TTL_SECONDS = "45"

[env.production.vars]
IDENTITY_CACHE_TTL_SECONDS = "120"
KV_CACHE_TTL_SECONDS = "300"
`;

describe("computePropagationDelay", () => {
	it("adds propagation, KV cacheTtl and cache TTL", () => {
		const delay = computePropagationDelay(
			{ IDENTITY_CACHE_TTL_SECONDS: "30", KV_CACHE_TTL_SECONDS: "60" },
			LOCAL,
		);
		expect(delay.totalSeconds).toBe(150);
	});

	it.each([
		["missing vars", {}],
		["non-numeric vars", { IDENTITY_CACHE_TTL_SECONDS: "soon", KV_CACHE_TTL_SECONDS: "-5" }],
	])("uses the Worker's defaults for %s", (_name, vars) => {
		const delay = computePropagationDelay(vars, LOCAL);
		expect(delay.identityCacheTtlSeconds).toBe(30);
		expect(delay.kvCacheTtlSeconds).toBe(60);
	});
});

describe("readWorkerVars", () => {
	it("reads [vars] and an environment's vars with wrangler", async () => {
		const directory = await makeTempDir("identity-cli-propagation-");
		try {
			const config = await writeFixture(directory, "wrangler.toml", CONFIG);

			const top = computePropagationDelay(await readWorkerVars({ ...LOCAL, config }), LOCAL);
			expect(top.totalSeconds).toBe(60 + 45 + 10);

			const production = await readWorkerVars({ ...LOCAL, config, env: "production" });
			expect(computePropagationDelay(production, LOCAL).totalSeconds).toBe(60 + 300 + 120);
		} finally {
			await rm(directory, { recursive: true, force: true });
		}
	});
});
