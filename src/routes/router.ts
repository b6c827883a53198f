/**
 * Step 4: route matching with itty-router's `Router`, built once per isolate.
 *
 * `Router` is used instead of `AutoRouter` on purpose: AutoRouter's
 * `withParams` lets `request.x` fall back to a path parameter named `x`, and
 * its default error stage puts exception messages in the response. Identity
 * travels as the typed `GateContext` argument, never as a request property.
 * Errors are not caught here: they reach the entry point, which answers a
 * fixed 500 problem.
 */
import { type IRequest, Router } from "itty-router";
import { type Denial, deny, type Result } from "../http/problems.ts";
import { SCOPE_FORMAT } from "../identity/record.ts";
import { RATE_LIMITERS } from "../policy/rateLimit.ts";
import type { GateContext, Route } from "./route.ts";

export type Dispatch = (request: Request, gate: GateContext) => Promise<RouteMatch>;

/** The route pattern that matched (for logs) and what the route decided. */
export interface RouteMatch {
	readonly route: string | null;
	readonly result: Result<Response>;
}

/**
 * Compiles the route table. Throws when a route's policy is invalid, so a
 * misdeclared route fails the isolate at start-up instead of running unguarded.
 */
export function buildRouter(routes: readonly Route[]): Dispatch {
	const allowedMethods = new Map<string, string[]>();
	for (const route of routes) {
		assertValidPolicy(route);
		const methods = allowedMethods.get(route.path) ?? [];
		if (methods.includes(route.method)) {
			throw new Error(`duplicate route ${route.method} ${route.path}`);
		}
		methods.push(route.method);
		allowedMethods.set(route.path, methods);
	}

	const router = Router<IRequest, [GateContext], Result<Response>>();
	for (const route of routes) {
		router[route.method.toLowerCase()]?.(route.path, (request: IRequest, gate: GateContext) =>
			route.run(request, request.params, gate),
		);
	}

	// Known path, other method: 405 with the methods the path does support.
	for (const [path, methods] of allowedMethods) {
		const denial: Denial = { code: "method_not_allowed", allow: methods };
		router.all(path, () => deny(denial));
	}
	router.all("*", () => deny({ code: "not_found" }));

	return async (request, gate) => {
		const itty = request as IRequest;
		const result = await router.fetch(itty, gate);
		const matched = typeof itty.route === "string" && itty.route !== "*" ? itty.route : null;
		return { route: matched, result };
	};
}

function assertValidPolicy(route: Route): void {
	const { policy } = route;
	if (typeof policy !== "object" || policy === null || !Array.isArray(policy.scopes)) {
		throw new Error(`route ${route.method} ${route.path} has no policy`);
	}

	for (const scope of policy.scopes) {
		if (!SCOPE_FORMAT.test(scope)) {
			throw new Error(`route ${route.method} ${route.path} requires an invalid scope`);
		}
	}

	const { rateLimit } = policy;
	if (rateLimit !== undefined) {
		const limiterValid =
			rateLimit.limiter === undefined || RATE_LIMITERS.includes(rateLimit.limiter);
		const modeValid =
			rateLimit.onLimiterFailure === undefined ||
			["closed", "open"].includes(rateLimit.onLimiterFailure);
		if (!limiterValid || !modeValid) {
			throw new Error(`route ${route.method} ${route.path} declares an invalid rate limit`);
		}
	}

	if (policy.tenantParam !== null && !route.path.split("/").includes(`:${policy.tenantParam}`)) {
		throw new Error(`route ${route.method} ${route.path} binds the tenant to a missing parameter`);
	}
}
