import { describe, expect, it } from "vitest";
import { toIdentity } from "../../src/identity/identity.ts";
import { checkPolicy, type RoutePolicy } from "../../src/policy/policy.ts";
import { identityRecord } from "../fixtures/identities.ts";

const identity = toIdentity(
	identityRecord({ tenantId: "acme", scopes: ["orders:read", "orders:write"] }),
);

function codeOf(policy: RoutePolicy, params: Record<string, string> = {}): string {
	const result = checkPolicy(policy, identity, params);
	return result.ok ? "ok" : result.denial.code;
}

describe("checkPolicy", () => {
	it.each([
		["no scope required", { scopes: [], tenantParam: null }, {}, "ok"],
		["all scopes held", { scopes: ["orders:read", "orders:write"], tenantParam: null }, {}, "ok"],
		[
			"one of two scopes missing",
			{ scopes: ["orders:read", "orders:admin"], tenantParam: null },
			{},
			"insufficient_scope",
		],
		[
			"a scope differing in case",
			{ scopes: ["Orders:read"], tenantParam: null },
			{},
			"insufficient_scope",
		],
		["the own tenant", { scopes: [], tenantParam: "tenantId" }, { tenantId: "acme" }, "ok"],
		[
			"another tenant",
			{ scopes: [], tenantParam: "tenantId" },
			{ tenantId: "globex" },
			"tenant_mismatch",
		],
		[
			"the tenant with another case",
			{ scopes: [], tenantParam: "tenantId" },
			{ tenantId: "Acme" },
			"tenant_mismatch",
		],
		["the tenant parameter absent", { scopes: [], tenantParam: "tenantId" }, {}, "tenant_mismatch"],
		[
			"a missing scope and another tenant",
			{ scopes: ["orders:admin"], tenantParam: "tenantId" },
			{ tenantId: "globex" },
			"insufficient_scope",
		],
	] as const)("returns %s as %s", (_name, policy, params, code) => {
		expect(codeOf(policy, params)).toBe(code);
	});
});
