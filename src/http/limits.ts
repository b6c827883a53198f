/**
 * Bounds on everything a caller controls, each with the reason for its value.
 * Cloudflare's Workers limits page allows 16 KB of URL and 128 KB of request
 * headers in front of the Worker. These bounds are tighter, so that one caller
 * cannot make a request expensive for the gate.
 */
import { allow, deny, type Result } from "./problems.ts";

/** Longest URL accepted; the template's paths are under 120 characters, and logs stay small. */
export const MAX_URL_LENGTH = 2048;

/**
 * Most distinct header names accepted; real clients behind Cloudflare send a
 * few dozen. The runtime merges repeated names into one entry, so repeats
 * count once here and are bounded by `MAX_HEADER_BYTES` instead.
 */
export const MAX_HEADER_COUNT = 64;

/** Largest total of header names and values, in bytes; enough for tracing and auth headers. */
export const MAX_HEADER_BYTES = 16 * 1024;

/** Longest path parameter; tenant ids are at most 63 characters and ids 36. */
export const MAX_PATH_PARAMETER_LENGTH = 128;

/** Path parameters use RFC 3986 unreserved characters only, so no encoding tricks reach a handler. */
export const PATH_PARAMETER_FORMAT = /^[A-Za-z0-9._~-]+$/;

/** Deepest JSON nesting accepted in a body; the template's bodies are flat. */
export const MAX_JSON_DEPTH = 16;

/** Longest JSON array accepted in a body, bounding validation work per request. */
export const MAX_JSON_ARRAY_LENGTH = 1000;

/** Rejects a request whose URL or headers exceed the limits, before anything parses them. */
export function checkRequestSize(request: Request): Result<void> {
	if (request.url.length > MAX_URL_LENGTH) {
		return deny({ code: "uri_too_long" });
	}

	let count = 0;
	let bytes = 0;
	for (const [name, value] of request.headers) {
		count += 1;
		bytes += name.length + value.length;
		if (count > MAX_HEADER_COUNT || bytes > MAX_HEADER_BYTES) {
			return deny({ code: "request_header_fields_too_large" });
		}
	}

	return allow(undefined);
}

/** Rejects a path parameter that is too long or contains characters outside the unreserved set. */
export function checkPathParameters(params: Readonly<Record<string, string>>): Result<void> {
	for (const [name, value] of Object.entries(params)) {
		if (value.length > MAX_PATH_PARAMETER_LENGTH || !PATH_PARAMETER_FORMAT.test(value)) {
			return deny({
				code: "invalid_request",
				errors: [
					{ path: name, message: "invalid path parameter: use at most 128 unreserved characters" },
				],
			});
		}
	}

	return allow(undefined);
}

/**
 * Rejects parsed JSON nested deeper than `MAX_JSON_DEPTH` or with an array
 * longer than `MAX_JSON_ARRAY_LENGTH`. Iterative, so a deep document cannot
 * exhaust the stack here.
 */
export function checkJsonShape(value: unknown): Result<void> {
	const pending: { readonly value: unknown; readonly depth: number }[] = [{ value, depth: 0 }];

	for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
		if (typeof item.value !== "object" || item.value === null) {
			continue;
		}
		if (item.depth >= MAX_JSON_DEPTH) {
			return deny({
				code: "invalid_request",
				errors: [{ path: "", message: "JSON nested too deeply" }],
			});
		}

		const children = Array.isArray(item.value) ? item.value : Object.values(item.value);
		if (Array.isArray(item.value) && item.value.length > MAX_JSON_ARRAY_LENGTH) {
			return deny({
				code: "invalid_request",
				errors: [{ path: "", message: "JSON array too long" }],
			});
		}
		for (const child of children) {
			pending.push({ value: child, depth: item.depth + 1 });
		}
	}

	return allow(undefined);
}
