import { afterEach, describe, expect, it, vi } from "vitest";
import { consumeRateLimit } from "../../src/policy/rateLimit.ts";

const throwing: RateLimit = {
	limit: () => Promise.reject(new Error("limiter down")),
};

describe("consumeRateLimit", () => {
	afterEach(() => {
		vi.restoreAllMocks();
	});

	it.each([
		[true, "ok"],
		[false, "rate_limited"],
	])("maps success %s to %s", async (success, code) => {
		const limiter: RateLimit = { limit: async () => ({ success }) };
		const result = await consumeRateLimit(limiter, "k", "closed", "req-1");
		expect(result.ok ? "ok" : result.denial.code).toBe(code);
	});

	it("fails closed and logs request id", async () => {
		const log = vi.spyOn(console, "error").mockImplementation(() => {});
		const result = await consumeRateLimit(throwing, "k", "closed", "req-2");
		expect(result.ok ? "ok" : result.denial.code).toBe("rate_limiter_unavailable");
		expect(String(log.mock.calls[0]?.[0])).toContain("req-2");
	});

	it("fails open and logs when chosen", async () => {
		const log = vi.spyOn(console, "error").mockImplementation(() => {});
		const result = await consumeRateLimit(throwing, "k", "open", "req-3");
		expect(result.ok).toBe(true);
		expect(log).toHaveBeenCalledTimes(1);
	});
});
