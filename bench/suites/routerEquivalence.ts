/**
 * Differential check of `buildRouter`. For random route tables and requests,
 * its dispatch must decide exactly as a plain itty-router `Router` that
 * registers method routes in table order, then a 405 route per pattern, then
 * a 404 catch-all. The route reported, the outcome and the parameters must
 * all be equal.
 * The scaling suite runs it before measuring, so a fast router that decides
 * differently never produces a figure.
 */
import { type IRequest, Router } from "itty-router";
import { allow, type Denial, deny, type Result } from "../../src/http/problems.ts";
import type { GateContext, HttpMethod, Route } from "../../src/routes/route.ts";
import { buildRouter } from "../../src/routes/router.ts";

const METHODS: readonly HttpMethod[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];
const REQUEST_METHODS = [...METHODS, "HEAD", "OPTIONS", "patch"];
const PATTERN_SEGMENTS = ["v1", "tenants", "orders", "new", ":tenantId", ":id", ":x"];
const PATH_SEGMENTS = [
	"v1",
	"tenants",
	"orders",
	"new",
	"acme",
	"x",
	"a.b",
	"%2F",
	"__proto__",
	"",
];

/** Outcome of one dispatch, in a form two routers can be compared by. */
interface Decision {
	readonly route: string | null;
	readonly outcome: string;
}

export async function checkRouterEquivalence(tables: number, requestsPerTable: number) {
	const random = seededRandom(20_261_204);
	let requests = 0;

	for (let table = 0; table < tables; table += 1) {
		const routes = randomTable(random);
		const dispatch = buildRouter(routes);
		const reference = referenceRouter(routes);

		for (let index = 0; index < requestsPerTable; index += 1) {
			const method = pick(random, REQUEST_METHODS);
			const path = randomPath(random);
			const gate = {} as GateContext;
			const actual = await dispatch(
				new Request(`https://api.example.com${path}`, { method }),
				gate,
			);
			const expected = await reference(new Request(`https://api.example.com${path}`, { method }));
			const decided: Decision = { route: actual.route, outcome: await describe(actual.result) };

			if (decided.route !== expected.route || decided.outcome !== expected.outcome) {
				throw new Error(
					`router mismatch for ${method} ${path} with table ` +
						`${JSON.stringify(routes.map((route) => `${route.method} ${route.path}`))}: ` +
						`got ${JSON.stringify(decided)}, itty-router gives ${JSON.stringify(expected)}`,
				);
			}
			requests += 1;
		}
	}

	return { tables, requests };
}

/** Builds the oracle: the `Router` registration that `buildRouter` used before the segment tree. */
function referenceRouter(routes: readonly Route[]): (request: Request) => Promise<Decision> {
	const allowedMethods = new Map<string, string[]>();
	for (const route of routes) {
		allowedMethods.set(route.path, [...(allowedMethods.get(route.path) ?? []), route.method]);
	}

	const router = Router<IRequest, [GateContext], Result<Response>>();
	for (const route of routes) {
		router[route.method.toLowerCase()]?.(route.path, (request: IRequest, gate: GateContext) =>
			route.run(request, request.params, gate),
		);
	}
	for (const [path, methods] of allowedMethods) {
		const denial: Denial = { code: "method_not_allowed", allow: methods };
		router.all(path, () => deny(denial));
	}
	router.all("*", () => deny({ code: "not_found" }));

	return async (request) => {
		const itty = request as IRequest;
		const result = await router.fetch(itty, {} as GateContext);
		const route = typeof itty.route === "string" && itty.route !== "*" ? itty.route : null;
		// itty-router reports the root pattern as "" after trimming its slash; buildRouter keeps "/".
		return { route: route === "" ? "/" : route, outcome: await describe(result) };
	};
}

async function describe(result: Result<Response>): Promise<string> {
	if (result.ok) {
		return `ok ${await result.value.text()}`;
	}
	const { denial } = result;
	return denial.code === "method_not_allowed"
		? `${denial.code} ${denial.allow.join(",")}`
		: denial.code;
}

/** Builds a table of 1 to 12 routes whose handlers return their position and the parameters they got. */
function randomTable(random: () => number): Route[] {
	const routes: Route[] = [];
	const seen = new Set<string>();
	const size = 1 + Math.floor(random() * 12);

	while (routes.length < size) {
		const depth = Math.floor(random() * 4);
		const segments = Array.from({ length: depth }, () => pick(random, PATTERN_SEGMENTS));
		if (
			new Set(segments.filter((segment) => segment.startsWith(":"))).size !==
			segments.filter((segment) => segment.startsWith(":")).length
		) {
			continue;
		}
		const path = `/${segments.join("/")}`;
		const method = pick(random, METHODS);
		if (seen.has(`${method} ${path}`)) {
			continue;
		}
		seen.add(`${method} ${path}`);

		const position = routes.length;
		routes.push({
			method,
			path,
			policy: { scopes: [], tenantParam: null },
			run: (_request, params) =>
				Promise.resolve(allow(new Response(`${position} ${JSON.stringify({ ...params })}`))),
		});
	}
	return routes;
}

function randomPath(random: () => number): string {
	const depth = Math.floor(random() * 5);
	const segments = Array.from({ length: depth }, () => pick(random, PATH_SEGMENTS));
	const trailing = random() < 0.2 ? "/".repeat(1 + Math.floor(random() * 2)) : "";
	const query = random() < 0.1 ? "?tenantId=other" : "";
	return `/${segments.join("/")}${trailing}${query}`;
}

function pick<T>(random: () => number, values: readonly T[]): T {
	return values[Math.floor(random() * values.length)] as T;
}

/** mulberry32: a small seeded generator, so a failure reproduces on every run. */
function seededRandom(seed: number): () => number {
	let state = seed;
	return () => {
		state = (state + 0x6d2b79f5) | 0;
		let value = Math.imul(state ^ (state >>> 15), 1 | state);
		value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
		return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
	};
}
