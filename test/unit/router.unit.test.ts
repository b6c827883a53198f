import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { SCOPE_FORMAT } from "../../src/identity/record.ts";
import { routes } from "../../src/routes/index.ts";
import { defineRoute, type Route } from "../../src/routes/route.ts";
import { buildRouter } from "../../src/routes/router.ts";

function route(overrides: Partial<Route>): Route {
	const base = defineRoute({
		method: "GET",
		path: "/v1/things/:tenantId",
		policy: { scopes: ["things:read"], tenantParam: "tenantId" },
		params: v.strictObject({ tenantId: v.string() }),
		body: null,
		handle: () => new Response("ok"),
	});
	return { ...base, ...overrides };
}

describe("route table", () => {
	it.each(routes.map((entry) => [`${entry.method} ${entry.path}`, entry] as const))(
		"%s declares a valid policy",
		(_name, entry) => {
			expect(Array.isArray(entry.policy.scopes)).toBe(true);
			for (const scope of entry.policy.scopes) {
				expect(scope).toMatch(SCOPE_FORMAT);
			}
			if (entry.policy.tenantParam !== null) {
				expect(entry.path.split("/")).toContain(`:${entry.policy.tenantParam}`);
			}
		},
	);

	it("binds every tenant-scoped path to the tenant", () => {
		for (const entry of routes) {
			if (entry.path.includes(":tenantId")) {
				expect(entry.policy.tenantParam).toBe("tenantId");
			}
		}
	});

	it("builds the template's table", () => {
		expect(() => buildRouter(routes)).not.toThrow();
	});

	it.each([
		["no policy", { policy: undefined as unknown as Route["policy"] }, "has no policy"],
		[
			"scopes that are not a list",
			{ policy: { scopes: "things:read", tenantParam: null } as unknown as Route["policy"] },
			"has no policy",
		],
		["an invalid scope", { policy: { scopes: ["admin"], tenantParam: null } }, "invalid scope"],
		[
			"a tenant bound to a missing parameter",
			{ policy: { scopes: [], tenantParam: "tenant" } },
			"missing parameter",
		],
	])("rejects a route with %s", (_name, overrides, message) => {
		expect(() => buildRouter([route(overrides)])).toThrow(message);
	});

	it("rejects a duplicate method and path", () => {
		expect(() => buildRouter([route({}), route({})])).toThrow("duplicate route");
	});
});
