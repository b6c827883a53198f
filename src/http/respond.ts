/**
 * Response builders. Every response the Worker sends goes through
 * `withStandardHeaders`, so no path can forget `no-store` or the request id.
 */
import { type Denial, PROBLEM_TYPE_BASE, PROBLEMS } from "./problems.ts";

export function jsonResponse(
	body: unknown,
	status = 200,
	extraHeaders: HeadersInit = {},
): Response {
	const headers = new Headers(extraHeaders);
	headers.set("content-type", "application/json; charset=utf-8");
	return new Response(JSON.stringify(body), { status, headers });
}

/** Builds the RFC 9457 problem response of a denial, from fixed texts only. */
export function problemResponse(denial: Denial, requestId: string): Response {
	const problem = PROBLEMS[denial.code];
	const body: Record<string, unknown> = {
		type: `${PROBLEM_TYPE_BASE}${denial.code}`,
		title: problem.title,
		status: problem.status,
		detail: problem.detail,
		code: denial.code,
		requestId,
	};
	const headers = new Headers({ "content-type": "application/problem+json" });

	if (denial.code === "invalid_request") {
		body.errors = denial.errors;
	}
	if (denial.code === "method_not_allowed") {
		headers.set("allow", denial.allow.join(", "));
	}
	if ("retryAfterSeconds" in denial) {
		headers.set("retry-after", String(denial.retryAfterSeconds));
	}

	return new Response(JSON.stringify(body), { status: problem.status, headers });
}

/** Adds the headers every response carries. The response must be one this Worker created. */
export function withStandardHeaders(response: Response, requestId: string): Response {
	response.headers.set("cache-control", "no-store");
	response.headers.set("x-content-type-options", "nosniff");
	response.headers.set("x-request-id", requestId);
	return response;
}
