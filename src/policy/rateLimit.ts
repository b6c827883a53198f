/**
 * Rate limits per identity with the Workers Rate Limiting binding. Counters
 * live per Cloudflare location, so a limit is per location, not global.
 */
import { logError } from "../http/log.ts";
import { allow, deny, type Result } from "../http/problems.ts";

/** Names of the rate limit bindings in wrangler.toml that a route may opt into. */
export const RATE_LIMITERS = ["RATE_LIMITER", "RATE_LIMITER_WRITES"] as const;

export type RateLimiterName = (typeof RATE_LIMITERS)[number];

/**
 * Behaviour when the limiter itself fails: `closed` denies with 503, and
 * `open` lets the request through and logs. Routes choose, and the default is closed.
 */
export type LimiterFailureMode = "closed" | "open";

/** Period of every `[[ratelimits]]` binding in wrangler.toml, sent as Retry-After. */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

/** Seconds a client should wait after the limiter itself failed. */
const LIMITER_RETRY_AFTER_SECONDS = 5;

/** Counts one request against `key` on `limiter`. */
export async function consumeRateLimit(
	limiter: RateLimit,
	key: string,
	onFailure: LimiterFailureMode,
	requestId: string,
): Promise<Result<void>> {
	let success: boolean;
	try {
		({ success } = await limiter.limit({ key }));
	} catch (error) {
		logError("rate limiter failed", {
			requestId,
			failureMode: onFailure,
			error: error instanceof Error ? error.name : typeof error,
		});
		return onFailure === "open"
			? allow(undefined)
			: deny({ code: "rate_limiter_unavailable", retryAfterSeconds: LIMITER_RETRY_AFTER_SECONDS });
	}

	return success
		? allow(undefined)
		: deny({ code: "rate_limited", retryAfterSeconds: RATE_LIMIT_PERIOD_SECONDS });
}
