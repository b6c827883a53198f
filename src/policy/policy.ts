/**
 * Step 5: the authorization policy every route declares beside its path.
 * Scopes are checked first, then the tenant, so a caller without the scope
 * learns nothing about which tenants exist.
 */

import { allow, deny, type Result } from "../http/problems.ts";
import type { Identity } from "../identity/identity.ts";
import type { LimiterFailureMode, RateLimiterName } from "./rateLimit.ts";

export interface RoutePolicy {
	/** Scopes the identity must all hold. An empty list admits any valid identity. */
	readonly scopes: readonly string[];
	/**
	 * Name of the path parameter that must equal the identity's `tenantId`
	 * (exact, case-sensitive), or `null` for a route that is not tenant-bound.
	 */
	readonly tenantParam: string | null;
	/**
	 * Rate limiting beyond the default per-identity limit: an extra limiter
	 * binding for this route, and what to do when that limiter fails (default
	 * `closed`). The default limit runs before routing and always fails closed.
	 */
	readonly rateLimit?: {
		readonly limiter?: RateLimiterName;
		readonly onLimiterFailure?: LimiterFailureMode;
	};
}

export function checkPolicy(
	policy: RoutePolicy,
	identity: Identity,
	params: Readonly<Record<string, string>>,
): Result<void> {
	for (const scope of policy.scopes) {
		if (!identity.scopes.has(scope)) {
			return deny({ code: "insufficient_scope" });
		}
	}

	if (policy.tenantParam !== null) {
		// The raw, undecoded segment is compared: tenant ids contain no characters
		// that need percent-encoding, so an encoded variant never matches.
		const tenant = params[policy.tenantParam];
		if (tenant === undefined || tenant !== identity.tenantId) {
			return deny({ code: "tenant_mismatch" });
		}
	}

	return allow(undefined);
}
