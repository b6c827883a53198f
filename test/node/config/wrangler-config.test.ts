import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// workers.dev and preview URLs are never covered by API Shield mTLS, so the
// Worker must not be reachable through them. These lines are the only guard.
const config = readFileSync(new URL("../../../wrangler.toml", import.meta.url), "utf8");

describe("wrangler.toml", () => {
	it("turns workers.dev off", () => {
		expect(config).toMatch(/^workers_dev = false$/m);
	});

	it("turns preview URLs off", () => {
		expect(config).toMatch(/^preview_urls = false$/m);
	});

	it("enables observability for the decision logs", () => {
		expect(config).toMatch(/^\[observability\]\nenabled = true$/m);
	});
});
