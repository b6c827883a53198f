/**
 * Every reason the gate can deny a request, and its RFC 9457 wire form.
 *
 * `PROBLEMS` is typed as a complete record over `ProblemCode`: adding a code
 * without a status, title and detail fails to compile. Titles and details are
 * fixed strings so no certificate content, KV value or exception message can
 * reach a response body.
 */

export type ProblemCode =
	| "mtls_required"
	| "client_certificate_missing"
	| "client_certificate_unverified"
	| "client_certificate_revoked"
	| "client_certificate_malformed"
	| "client_certificate_outside_validity"
	| "untrusted_identity_header"
	| "identity_not_found"
	| "identity_disabled"
	| "identity_revoked"
	| "identity_expired"
	| "issuer_mismatch"
	| "serial_mismatch"
	| "not_found"
	| "method_not_allowed"
	| "insufficient_scope"
	| "tenant_mismatch"
	| "invalid_request"
	| "payload_too_large"
	| "unsupported_media_type"
	| "uri_too_long"
	| "request_header_fields_too_large"
	| "rate_limited"
	| "internal_error"
	| "identity_store_unavailable"
	| "rate_limiter_unavailable";

export interface ProblemDefinition {
	readonly status: number;
	readonly title: string;
	readonly detail: string;
}

export const PROBLEMS: { readonly [Code in ProblemCode]: ProblemDefinition } = {
	mtls_required: {
		status: 401,
		title: "Mutual TLS required",
		detail: "This API only accepts requests over a connection with mutual TLS.",
	},
	client_certificate_missing: {
		status: 401,
		title: "Client certificate missing",
		detail: "The connection presented no client certificate.",
	},
	client_certificate_unverified: {
		status: 401,
		title: "Client certificate not verified",
		detail: "The client certificate did not verify against a trusted CA.",
	},
	client_certificate_revoked: {
		status: 401,
		title: "Client certificate revoked",
		detail: "The client certificate has been revoked.",
	},
	client_certificate_malformed: {
		status: 401,
		title: "Client certificate metadata malformed",
		detail: "The client certificate metadata is incomplete or not in the expected format.",
	},
	client_certificate_outside_validity: {
		status: 401,
		title: "Client certificate outside its validity period",
		detail: "The client certificate is expired or not yet valid.",
	},
	untrusted_identity_header: {
		status: 400,
		title: "Untrusted identity header",
		detail: "The request carries a header that asserts client identity; remove it.",
	},
	identity_not_found: {
		status: 403,
		title: "Identity not found",
		detail: "No identity is mapped to this client certificate.",
	},
	identity_disabled: {
		status: 403,
		title: "Identity disabled",
		detail: "The identity mapped to this client certificate is disabled.",
	},
	identity_revoked: {
		status: 403,
		title: "Identity revoked",
		detail: "The identity mapped to this client certificate is revoked.",
	},
	identity_expired: {
		status: 403,
		title: "Identity expired",
		detail: "The identity mapping for this client certificate has expired.",
	},
	issuer_mismatch: {
		status: 403,
		title: "Issuer mismatch",
		detail: "The client certificate was not issued by the CA pinned for this identity.",
	},
	serial_mismatch: {
		status: 403,
		title: "Serial number mismatch",
		detail: "The client certificate serial number does not match the one pinned for this identity.",
	},
	not_found: {
		status: 404,
		title: "Not found",
		detail: "No resource exists at this path.",
	},
	method_not_allowed: {
		status: 405,
		title: "Method not allowed",
		detail: "This path does not support the request method; see the Allow header.",
	},
	insufficient_scope: {
		status: 403,
		title: "Insufficient scope",
		detail: "The identity lacks a scope that this route requires.",
	},
	tenant_mismatch: {
		status: 403,
		title: "Tenant mismatch",
		detail: "The identity may not access this tenant.",
	},
	invalid_request: {
		status: 400,
		title: "Invalid request",
		detail: "The request failed validation; see errors.",
	},
	payload_too_large: {
		status: 413,
		title: "Payload too large",
		detail: "The request body exceeds the size limit.",
	},
	unsupported_media_type: {
		status: 415,
		title: "Unsupported media type",
		detail: "The request body must be application/json.",
	},
	uri_too_long: {
		status: 414,
		title: "URI too long",
		detail: "The request URL exceeds the length limit.",
	},
	request_header_fields_too_large: {
		status: 431,
		title: "Request header fields too large",
		detail: "The request carries too many headers or too many header bytes.",
	},
	rate_limited: {
		status: 429,
		title: "Too many requests",
		detail: "The request rate limit for this identity is exhausted; see Retry-After.",
	},
	internal_error: {
		status: 500,
		title: "Internal error",
		detail: "The request could not be processed.",
	},
	identity_store_unavailable: {
		status: 503,
		title: "Identity store unavailable",
		detail: "The identity store could not be read; retry later.",
	},
	rate_limiter_unavailable: {
		status: 503,
		title: "Rate limiter unavailable",
		detail: "The rate limiter could not be consulted; retry later.",
	},
};

/** Base of the problem `type` URI. Replace it with the URL of your API's error documentation. */
export const PROBLEM_TYPE_BASE = "urn:problem-type:mtls-gate:";

/** One validation failure, as listed in an `invalid_request` problem. */
export interface FieldIssue {
	readonly path: string;
	readonly message: string;
}

/**
 * A denial decided by the pipeline. Extra members feed the response: the
 * `Allow` header, the validation errors, the `Retry-After` header.
 */
export type Denial =
	| {
			readonly code: Exclude<ProblemCode, "method_not_allowed" | "invalid_request" | RetryableCode>;
	  }
	| { readonly code: "method_not_allowed"; readonly allow: readonly string[] }
	| { readonly code: "invalid_request"; readonly errors: readonly FieldIssue[] }
	| { readonly code: RetryableCode; readonly retryAfterSeconds: number };

/** Codes whose response carries `Retry-After`. */
export type RetryableCode =
	| "rate_limited"
	| "identity_store_unavailable"
	| "rate_limiter_unavailable";

/** The outcome of a pipeline step: a value, or a denial. */
export type Result<T> =
	| { readonly ok: true; readonly value: T }
	| { readonly ok: false; readonly denial: Denial };

export function allow<T>(value: T): Result<T> {
	return { ok: true, value };
}

export function deny(denial: Denial): { readonly ok: false; readonly denial: Denial } {
	return { ok: false, denial };
}
