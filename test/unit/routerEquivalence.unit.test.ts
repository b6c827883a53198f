import { describe, expect, it } from "vitest";
import { checkRouterEquivalence } from "../../bench/suites/routerEquivalence.ts";

// buildRouter matches plain tables with a segment tree instead of itty-router's
// linear scan; this differential check proves both decide the same way.
describe("buildRouter against itty-router", () => {
	it("decides as Router on random tables", async () => {
		const checked = await checkRouterEquivalence(200, 100);
		expect(checked.requests).toBe(20_000);
	});
});
