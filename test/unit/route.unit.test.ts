import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parseConfig } from "../../src/config/config.ts";
import { toIdentity } from "../../src/identity/identity.ts";
import { defineRoute, type GateContext } from "../../src/routes/route.ts";
import { identityRecord } from "../fixtures/identities.ts";

function gateWithFailingWritesLimiter(): GateContext {
	const parsed = parseConfig({});
	if (!parsed.ok) {
		throw new Error("default configuration should parse");
	}
	const failing: RateLimit = { limit: () => Promise.reject(new Error("limiter down")) };
	return {
		env: { ...env, RATE_LIMITER_WRITES: failing },
		config: parsed.config,
		identity: toIdentity(identityRecord()),
		certificate: {
			fingerprintSHA256: "a".repeat(64),
			serial: "01",
			subjectDN: "CN=x",
			issuerDN: "CN=ca",
			issuerSKI: "",
			notBeforeMs: 0,
			notAfterMs: 0,
		},
		requestId: "req-route",
		now: 0,
	};
}

function routeFailing(onLimiterFailure: "open" | "closed") {
	return defineRoute({
		method: "GET",
		path: "/v1/things",
		policy: {
			scopes: [],
			tenantParam: null,
			rateLimit: { limiter: "RATE_LIMITER_WRITES", onLimiterFailure },
		},
		params: null,
		body: null,
		handle: () => new Response("handled"),
	});
}

describe("route rate limit", () => {
	afterEach(() => {
		vi.restoreAllMocks();
	});

	it("runs the handler when its limiter fails and the route chose open", async () => {
		vi.spyOn(console, "error").mockImplementation(() => {});
		const result = await routeFailing("open").run(
			new Request("https://x/v1/things"),
			{},
			gateWithFailingWritesLimiter(),
		);
		expect(result.ok).toBe(true);
		if (result.ok) {
			expect(await result.value.text()).toBe("handled");
		}
	});

	it("denies without running the handler when the route chose closed", async () => {
		vi.spyOn(console, "error").mockImplementation(() => {});
		const result = await routeFailing("closed").run(
			new Request("https://x/v1/things"),
			{},
			gateWithFailingWritesLimiter(),
		);
		expect(result.ok ? "ok" : result.denial.code).toBe("rate_limiter_unavailable");
	});
});
