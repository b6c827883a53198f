/**
 * The request pipeline, in order: request size limits, certificate state,
 * identity headers, identity lookup, the per-identity rate limit, identity
 * authorization, then the route (its own rate limit, scope, tenant, input,
 * handler). Authentication runs before routing, so an unauthenticated
 * request to an unknown path gets 401, not 404.
 */
import { checkIdentityHeaders } from "./http/identityHeaders.ts";
import { checkRequestSize } from "./http/limits.ts";
import { type Denial, deny, type Result } from "./http/problems.ts";
import { authorizeIdentity } from "./identity/authorizeIdentity.ts";
import { lookupIdentity, STORE_RETRY_AFTER_SECONDS } from "./identity/lookup.ts";
import { checkClientCertificate } from "./mtls/clientCertificate.ts";
import { consumeRateLimit } from "./policy/rateLimit.ts";
import type { Runtime } from "./runtime.ts";

/** Facts the pipeline learned about the request, for its log line. */
export interface Decision {
	route: string | null;
	principal: string | null;
	tenant: string | null;
	fingerprint: string | null;
	error?: string;
}

export async function runGate(
	request: Request,
	env: Env,
	runtime: Runtime,
	requestId: string,
	now: number,
	decision: Decision,
): Promise<Result<Response>> {
	const { config } = runtime;

	const size = checkRequestSize(request);
	if (!size.ok) {
		return size;
	}

	const certificate = checkClientCertificate(request.cf, now, config.clockSkewMs);
	if (!certificate.ok) {
		return certificate;
	}
	decision.fingerprint = certificate.value.fingerprintSHA256.slice(0, 16);

	const headers = checkIdentityHeaders(request.headers, runtime.headerMatcher);
	if (!headers.ok) {
		return headers;
	}

	// A KV read is admitted by a per-certificate rate limit first, so callers
	// cannot turn requests into unbounded KV reads. Cached outcomes skip both.
	const fingerprint = certificate.value.fingerprintSHA256;
	const lookup = await lookupIdentity(
		env.IDENTITIES,
		runtime.identityCache,
		fingerprint,
		config,
		now,
		() => consumeRateLimit(env.RATE_LIMITER, `certificate:${fingerprint}`, "closed", requestId),
	);
	if (lookup.kind === "read_denied") {
		return { ok: false, denial: lookup.denial };
	}

	// The default limit counts every request of a known or unknown caller, before
	// any identity or route decision, so cheap 403, 404 and 405 responses are limited too.
	if (lookup.kind === "found" || lookup.kind === "not_found") {
		const key =
			lookup.kind === "found"
				? `principal:${lookup.identity.principal}`
				: `certificate:${fingerprint}`;
		const limited = await consumeRateLimit(env.RATE_LIMITER, key, "closed", requestId);
		if (!limited.ok) {
			return limited;
		}
	}
	if (lookup.kind !== "found") {
		return denyLookup(lookup.kind, decision);
	}
	decision.principal = lookup.identity.principal;
	decision.tenant = lookup.identity.tenantId;

	const identity = authorizeIdentity(lookup.identity, certificate.value, now);
	if (!identity.ok) {
		return identity;
	}

	const match = await runtime.dispatch(request, {
		env,
		config,
		identity: identity.value,
		certificate: certificate.value,
		requestId,
		now,
	});
	decision.route = match.route;
	return match.result;
}

function denyLookup(
	kind: "not_found" | "invalid_record" | "store_unavailable",
	decision: Decision,
): { readonly ok: false; readonly denial: Denial } {
	switch (kind) {
		case "not_found":
			return deny({ code: "identity_not_found" });
		case "invalid_record":
			// Fail closed: a record that does not validate grants nothing. It is an
			// operator error, so it is a 500 and logged, not a 403 the caller could act on.
			decision.error = "invalid identity record";
			return deny({ code: "internal_error" });
		case "store_unavailable":
			decision.error = "identity store read failed or timed out";
			return deny({
				code: "identity_store_unavailable",
				retryAfterSeconds: STORE_RETRY_AFTER_SECONDS,
			});
	}
}
