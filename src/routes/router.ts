/**
 * Step 4: route matching, built once per isolate.
 *
 * itty-router's `Router` tests the regular expression of every route in
 * order: in `npm run bench` (Node 22, 2-core AMD EPYC), matching the last of
 * 1,000 routes cost about 70 times as much as the last of 10. Tables whose
 * patterns use only literal and `:name` segments (the template's do) are
 * therefore matched with a segment tree, whose cost grows with the depth of
 * the path, not the number of routes. It decides as the `Router` would: the
 * first route in table order whose method and pattern match, else 405 for
 * the first matching pattern, else 404. Parameters are the raw path
 * segments, and trailing slashes are ignored. bench/suites/routerEquivalence.ts
 * checks both against each other on random tables. A table with any other
 * itty syntax (`*`, `:name?`, `:name+`, a parameter inside a segment) is
 * served by the `Router` itself.
 *
 * `Router` is used instead of `AutoRouter` on purpose: AutoRouter's
 * `withParams` lets `request.x` fall back to a path parameter named `x`, and
 * its default error stage puts exception messages in the response. Identity
 * travels as the typed `GateContext` argument, never as a request property.
 * Errors are not caught here: they reach the entry point, which returns a
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

	// Built after the Router, whose constructor rejects an invalid pattern.
	const tree = buildSegmentTree(routes, allowedMethods);
	if (tree !== undefined) {
		return (request, gate) => dispatchByTree(tree, request, gate);
	}

	return async (request, gate) => {
		const itty = request as IRequest;
		const result = await router.fetch(itty, gate);
		const matched = typeof itty.route === "string" && itty.route !== "*" ? itty.route : null;
		return { route: matched, result };
	};
}

/** A node of the segment tree: one path segment, reached from the root through the segments before it. */
interface SegmentNode {
	readonly literals: Map<string, SegmentNode>;
	parameter: SegmentNode | undefined;
	/** The patterns that end at this node. */
	readonly patterns: PatternEntry[];
}

interface PatternEntry {
	readonly path: string;
	readonly parameterNames: readonly string[];
	/** Position of the pattern among the distinct patterns, which orders the 405 fallbacks. */
	readonly order: number;
	readonly allow: readonly string[];
	/** The routes of this pattern, with their position in the table. */
	readonly routes: readonly { readonly route: Route; readonly position: number }[];
}

/** A literal segment that itty-router's pattern compiler leaves unchanged apart from escaping dots. */
const LITERAL_SEGMENT = /^[A-Za-z0-9._~-]+$/;

/** A whole-segment parameter, named as itty-router names them (`\w+`). */
const PARAMETER_SEGMENT = /^:(\w+)$/;

/** Returns the tree of the table, or `undefined` when a pattern uses syntax beyond literal and `:name` segments. */
function buildSegmentTree(
	routes: readonly Route[],
	allowedMethods: ReadonlyMap<string, readonly string[]>,
): SegmentNode | undefined {
	const routesByPath = new Map<string, { readonly route: Route; readonly position: number }[]>();
	routes.forEach((route, position) => {
		const entries = routesByPath.get(route.path) ?? [];
		entries.push({ route, position });
		routesByPath.set(route.path, entries);
	});

	const root = newNode();
	let order = 0;
	for (const [path, allow] of allowedMethods) {
		if (!path.startsWith("/")) {
			return undefined;
		}
		const segments = path === "/" ? [] : path.split("/").slice(1);

		let node = root;
		const parameterNames: string[] = [];
		for (const segment of segments) {
			const parameter = PARAMETER_SEGMENT.exec(segment);
			if (parameter !== null) {
				parameterNames.push(parameter[1] as string);
				node.parameter ??= newNode();
				node = node.parameter;
			} else if (LITERAL_SEGMENT.test(segment)) {
				const child = node.literals.get(segment) ?? newNode();
				node.literals.set(segment, child);
				node = child;
			} else {
				return undefined;
			}
		}

		node.patterns.push({
			path,
			parameterNames,
			order,
			allow,
			routes: routesByPath.get(path) ?? [],
		});
		order += 1;
	}

	return root;
}

function newNode(): SegmentNode {
	return { literals: new Map(), parameter: undefined, patterns: [] };
}

async function dispatchByTree(
	root: SegmentNode,
	request: Request,
	gate: GateContext,
): Promise<RouteMatch> {
	// itty-router matches the raw pathname and allows any number of trailing slashes.
	const pathname = new URL(request.url).pathname.replace(/\/+$/, "");
	const segments = pathname === "" ? [] : pathname.slice(1).split("/");

	const matches: { readonly pattern: PatternEntry; readonly values: readonly string[] }[] = [];
	collectMatches(root, segments, 0, [], matches);

	let chosen: { readonly route: Route; readonly position: number } | undefined;
	let chosenMatch: (typeof matches)[number] | undefined;
	for (const match of matches) {
		for (const candidate of match.pattern.routes) {
			const isEarlier = chosen === undefined || candidate.position < chosen.position;
			if (candidate.route.method === request.method && isEarlier) {
				chosen = candidate;
				chosenMatch = match;
			}
		}
	}

	if (chosen !== undefined && chosenMatch !== undefined) {
		// A null prototype, as in the regular expression's `groups`, so a parameter named `__proto__` stays data.
		const params: Record<string, string> = Object.create(null);
		chosenMatch.pattern.parameterNames.forEach((name, index) => {
			params[name] = chosenMatch.values[index] as string;
		});
		return { route: chosen.route.path, result: await chosen.route.run(request, params, gate) };
	}

	// Known path, other method: 405 with the methods of the first pattern that matched.
	const first = matches.reduce<PatternEntry | undefined>(
		(earliest, { pattern }) =>
			earliest === undefined || pattern.order < earliest.order ? pattern : earliest,
		undefined,
	);
	if (first !== undefined) {
		return { route: first.path, result: deny({ code: "method_not_allowed", allow: first.allow }) };
	}

	return { route: null, result: deny({ code: "not_found" }) };
}

/**
 * Collects every pattern that matches the segments from `depth` on. Each node
 * is visited at most once per request, so the work is bounded by the tree's
 * size. An empty segment matches neither a literal nor a parameter, as in
 * itty-router.
 */
function collectMatches(
	node: SegmentNode,
	segments: readonly string[],
	depth: number,
	values: string[],
	matches: { readonly pattern: PatternEntry; readonly values: readonly string[] }[],
): void {
	if (depth === segments.length) {
		for (const pattern of node.patterns) {
			matches.push({ pattern, values: [...values] });
		}
		return;
	}

	const segment = segments[depth] as string;
	const literal = node.literals.get(segment);
	if (literal !== undefined) {
		collectMatches(literal, segments, depth + 1, values, matches);
	}
	if (node.parameter !== undefined && segment !== "") {
		values.push(segment);
		collectMatches(node.parameter, segments, depth + 1, values, matches);
		values.pop();
	}
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
