import { describe, expect, it } from "vitest";
import { callerWith, jsonBody, problemCode } from "../fixtures/requests.ts";

const reader = { scopes: ["orders:read"] };

describe("routing and policy through the worker", () => {
	it("answers 404 not_found for an unknown path", async () => {
		const caller = await callerWith();
		const response = await caller.send("/v1/admin");
		expect(response.status).toBe(404);
		expect(await problemCode(response)).toBe("not_found");
	});

	it("answers 405 method_not_allowed with Allow for another method", async () => {
		const caller = await callerWith();
		const response = await caller.send("/v1/tenants/acme/orders", { method: "DELETE" });
		expect(response.status).toBe(405);
		expect(response.headers.get("allow")).toBe("GET, POST");
		expect(await problemCode(response)).toBe("method_not_allowed");
	});

	it("answers 405 for POST on whoami", async () => {
		const caller = await callerWith();
		const response = await caller.send("/v1/whoami", { method: "POST" });
		expect(response.status).toBe(405);
		expect(response.headers.get("allow")).toBe("GET");
		expect(await problemCode(response)).toBe("method_not_allowed");
	});

	it("rejects POST without orders:write as insufficient_scope", async () => {
		const caller = await callerWith(reader);
		const response = await caller.send("/v1/tenants/acme/orders", {
			method: "POST",
			...jsonBody({ sku: "A-1", quantity: 1 }),
		});
		expect(response.status).toBe(403);
		expect(await problemCode(response)).toBe("insufficient_scope");
	});

	it("rejects GET without orders:read as insufficient_scope", async () => {
		const caller = await callerWith({ scopes: ["orders:write"] });
		const response = await caller.send("/v1/tenants/acme/orders");
		expect(response.status).toBe(403);
		expect(await problemCode(response)).toBe("insufficient_scope");
	});

	it.each([
		["another tenant", "globex"],
		["the tenant in uppercase", "ACME"],
		["the tenant percent-encoded", "%61cme"],
		["the tenant with a trailing dot", "acme."],
	])("rejects %s on the path as tenant_mismatch", async (_name, tenant) => {
		const caller = await callerWith();
		const response = await caller.send(`/v1/tenants/${tenant}/orders`);
		expect(response.status).toBe(403);
		expect(await problemCode(response)).toBe("tenant_mismatch");
	});

	it("checks the scope before the tenant", async () => {
		const caller = await callerWith(reader);
		const response = await caller.send("/v1/tenants/globex/orders", {
			method: "POST",
			...jsonBody({ sku: "A-1", quantity: 1 }),
		});
		expect(response.status).toBe(403);
		expect(await problemCode(response)).toBe("insufficient_scope");
	});

	it("checks the scope before the body", async () => {
		const caller = await callerWith(reader);
		const response = await caller.send("/v1/tenants/acme/orders", {
			method: "POST",
			body: "not json",
			headers: { "content-type": "text/plain" },
		});
		expect(response.status).toBe(403);
		expect(await problemCode(response)).toBe("insufficient_scope");
	});

	it("checks the tenant before the body", async () => {
		const caller = await callerWith();
		const response = await caller.send("/v1/tenants/globex/orders", {
			method: "POST",
			...jsonBody({ tenantId: "globex" }),
		});
		expect(response.status).toBe(403);
		expect(await problemCode(response)).toBe("tenant_mismatch");
	});
});
