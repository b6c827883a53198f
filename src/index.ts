/**
 * Worker entry point: runs the gate, turns every outcome (including thrown
 * errors) into a response with the standard headers, and logs one line.
 */
import { type Decision, runGate } from "./gate.ts";
import { logDecision } from "./http/log.ts";
import type { ProblemCode } from "./http/problems.ts";
import { problemResponse, withStandardHeaders } from "./http/respond.ts";
import { getRuntime } from "./runtime.ts";

/** `cf-ray` format: hex id and an optional data-center suffix. Anything else gets a fresh id. */
const CF_RAY = /^[0-9a-f]{16}(?:-[A-Z]{3})?$/;

export default {
	async fetch(request, env): Promise<Response> {
		const startedAt = Date.now();
		const requestId = requestIdOf(request);
		const decision: Decision = { route: null, principal: null, tenant: null, fingerprint: null };
		let response: Response;
		let code: ProblemCode | null = null;

		try {
			const runtime = getRuntime(env);
			if (runtime === null) {
				decision.error = "invalid configuration";
				code = "internal_error";
				response = problemResponse({ code }, requestId);
			} else {
				const result = await runGate(request, env, runtime, requestId, startedAt, decision);
				code = result.ok ? null : result.denial.code;
				response = result.ok ? result.value : problemResponse(result.denial, requestId);
			}
		} catch (error) {
			// The message may quote input, so only the error's class name is logged.
			decision.error = `unhandled ${error instanceof Error ? error.name : typeof error}`;
			code = "internal_error";
			response = problemResponse({ code }, requestId);
		}

		logDecision({
			requestId,
			method: request.method,
			route: decision.route,
			status: response.status,
			code,
			principal: decision.principal,
			tenant: decision.tenant,
			fingerprint: decision.fingerprint,
			durationMs: Date.now() - startedAt,
			...(decision.error === undefined ? {} : { error: decision.error }),
		});
		return withStandardHeaders(response, requestId);
	},
} satisfies ExportedHandler<Env>;

function requestIdOf(request: Request): string {
	const ray = request.headers.get("cf-ray");
	return ray !== null && CF_RAY.test(ray) ? ray : crypto.randomUUID();
}
