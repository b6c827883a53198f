/**
 * A stand-in for the Workers Rate Limiting binding that admits every call,
 * bound in place of RATE_LIMITER and RATE_LIMITER_WRITES in one of the
 * end-to-end cases. Under `wrangler dev`, each `limit()` call on the real
 * binding is a request to a Durable Object that simulates the counters. This
 * case shows how much of the template's local throughput that simulation
 * takes. It is never deployed.
 */
import { WorkerEntrypoint } from "cloudflare:workers";

export default class AdmittingRateLimiter extends WorkerEntrypoint {
	limit(_options: { key: string }): { success: boolean } {
		return { success: true };
	}
}
