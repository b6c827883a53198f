import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callerWith, jsonBody, problemCode } from "../fixtures/requests.ts";

interface OrderBody {
	id: string;
	tenantId: string;
	sku: string;
	quantity: number;
	note?: string;
	createdBy: string;
	createdAt: string;
}

async function createdOrder(response: Response): Promise<OrderBody> {
	expect(response.status).toBe(201);
	return (await response.json()) as OrderBody;
}

describe("orders API through the worker", () => {
	it("creates an order with server-owned fields and a Location", async () => {
		const caller = await callerWith({ principal: "svc-writer", tenantId: "acme" });
		const response = await caller.send("/v1/tenants/acme/orders", {
			method: "POST",
			...jsonBody({ sku: "A-1", quantity: 3, note: "rush" }),
		});

		const order = await createdOrder(response);
		expect(order).toMatchObject({
			tenantId: "acme",
			sku: "A-1",
			quantity: 3,
			note: "rush",
			createdBy: "svc-writer",
		});
		expect(order.id).toMatch(/^[0-9a-f-]{36}$/);
		expect(Number.isNaN(Date.parse(order.createdAt))).toBe(false);
		expect(response.headers.get("location")).toBe(`/v1/tenants/acme/orders/${order.id}`);
	});

	it("reads back an order and keeps it from another tenant", async () => {
		const acme = await callerWith({ tenantId: "acme" });
		const globex = await callerWith({ tenantId: "globex" });
		const order = await createdOrder(
			await acme.send("/v1/tenants/acme/orders", {
				method: "POST",
				...jsonBody({ sku: "B-2", quantity: 1 }),
			}),
		);

		const readBack = await acme.send(`/v1/tenants/acme/orders/${order.id}`);
		expect(readBack.status).toBe(200);
		expect(await readBack.json()).toEqual(order);

		const crossTenant = await globex.send(`/v1/tenants/globex/orders/${order.id}`);
		expect(crossTenant.status).toBe(404);
		expect(await problemCode(crossTenant)).toBe("not_found");

		const globexList = (await (await globex.send("/v1/tenants/globex/orders")).json()) as {
			orders: OrderBody[];
		};
		expect(globexList.orders.map((listed) => listed.id)).not.toContain(order.id);

		const acmeList = (await (await acme.send("/v1/tenants/acme/orders")).json()) as {
			orders: OrderBody[];
		};
		expect(acmeList.orders.map((listed) => listed.id)).toContain(order.id);
	});

	it("answers 404 for an order id that does not exist", async () => {
		const caller = await callerWith();
		const response = await caller.send(`/v1/tenants/acme/orders/${crypto.randomUUID()}`);
		expect(response.status).toBe(404);
		expect(await problemCode(response)).toBe("not_found");
	});

	it("treats a stored order whose tenant differs from its key as absent", async () => {
		const caller = await callerWith({ tenantId: "acme" });
		const id = crypto.randomUUID();
		const planted = {
			id,
			tenantId: "globex",
			sku: "X",
			quantity: 1,
			createdBy: "svc",
			createdAt: "2026-01-01T00:00:00Z",
		};
		await env.ORDERS.put(`tenant:acme:order:${id}`, JSON.stringify(planted));

		const response = await caller.send(`/v1/tenants/acme/orders/${id}`);
		expect(response.status).toBe(404);
		expect(await problemCode(response)).toBe("not_found");
	});

	it.each([
		["an invalid id", "not-a-uuid"],
		["an uppercase id", crypto.randomUUID().toUpperCase()],
		["an encoded slash", "a%2Fb"],
	])("rejects %s on the path as invalid_request", async (_name, orderId) => {
		const caller = await callerWith();
		const response = await caller.send(`/v1/tenants/acme/orders/${orderId}`);
		expect(response.status).toBe(400);
		expect(await problemCode(response)).toBe("invalid_request");
	});

	it.each([
		["the server-owned tenantId", { sku: "A", quantity: 1, tenantId: "globex" }],
		["the server-owned id", { sku: "A", quantity: 1, id: "x" }],
		["the server-owned createdBy", { sku: "A", quantity: 1, createdBy: "admin" }],
		["the server-owned createdAt", { sku: "A", quantity: 1, createdAt: "2020-01-01T00:00:00Z" }],
		["an unknown key", { sku: "A", quantity: 1, priority: "high" }],
		["a quantity as a string", { sku: "A", quantity: "2" }],
		["a quantity of 0", { sku: "A", quantity: 0 }],
		["a quantity of 1001", { sku: "A", quantity: 1001 }],
		["a fractional quantity", { sku: "A", quantity: 1.5 }],
		["an empty sku", { sku: "", quantity: 1 }],
		["a 65-character sku", { sku: "x".repeat(65), quantity: 1 }],
		["a 501-character note", { sku: "A", quantity: 1, note: "x".repeat(501) }],
		["a missing sku", { quantity: 1 }],
		["an array", [{ sku: "A", quantity: 1 }]],
		["null", null],
	])("rejects a body with %s as invalid_request", async (_name, body) => {
		const caller = await callerWith();
		const response = await caller.send("/v1/tenants/acme/orders", {
			method: "POST",
			...jsonBody(body),
		});
		expect(response.status).toBe(400);
		expect(await problemCode(response)).toBe("invalid_request");
	});

	it("rejects a __proto__ key as invalid_request", async () => {
		const caller = await callerWith();
		const response = await caller.send("/v1/tenants/acme/orders", {
			method: "POST",
			body: '{"sku":"A","quantity":1,"__proto__":{"tenantId":"globex"}}',
			headers: { "content-type": "application/json" },
		});
		expect(response.status).toBe(400);
		expect(await problemCode(response)).toBe("invalid_request");
	});

	it("lists the failing field without echoing its value", async () => {
		const caller = await callerWith();
		const response = await caller.send("/v1/tenants/acme/orders", {
			method: "POST",
			...jsonBody({ sku: "A", quantity: "secret-value-123" }),
		});
		const text = await response.text();
		const body = JSON.parse(text) as { errors: { path: string; message: string }[] };
		expect(body.errors.map((error) => error.path)).toContain("quantity");
		expect(text).not.toContain("secret-value-123");
	});

	it("does not echo an unknown key that is not a plain identifier", async () => {
		const caller = await callerWith();
		const response = await caller.send("/v1/tenants/acme/orders", {
			method: "POST",
			...jsonBody({ sku: "A", quantity: 1, "password=hunter2 ssn=123": 1 }),
		});
		const text = await response.text();
		expect(response.status).toBe(400);
		expect(JSON.parse(text).errors).toEqual([
			{ path: "(key)", message: "unknown key is not allowed" },
		]);
		expect(text).not.toContain("hunter2");
	});

	it.each([
		["invalid JSON", "{", "application/json"],
		["invalid UTF-8", new Uint8Array([0x7b, 0xff, 0x7d]), "application/json"],
	])("rejects %s as invalid_request", async (_name, body, type) => {
		const caller = await callerWith();
		const response = await caller.send("/v1/tenants/acme/orders", {
			method: "POST",
			body,
			headers: { "content-type": type },
		});
		expect(response.status).toBe(400);
		expect(await problemCode(response)).toBe("invalid_request");
	});

	it.each([
		["text/plain", "text/plain"],
		["form data", "application/x-www-form-urlencoded"],
		["a JSON-like type", "application/json-patch+json"],
		["another charset", "application/json; charset=latin1"],
	])("rejects %s as unsupported_media_type", async (_name, type) => {
		const caller = await callerWith();
		const response = await caller.send("/v1/tenants/acme/orders", {
			method: "POST",
			body: '{"sku":"A","quantity":1}',
			headers: { "content-type": type },
		});
		expect(response.status).toBe(415);
		expect(await problemCode(response)).toBe("unsupported_media_type");
	});

	it("rejects a body without a content type as unsupported_media_type", async () => {
		const caller = await callerWith();
		const response = await caller.send("/v1/tenants/acme/orders", { method: "POST", body: "{}" });
		expect(response.status).toBe(415);
		expect(await problemCode(response)).toBe("unsupported_media_type");
	});

	it("accepts application/json with charset=utf-8", async () => {
		const caller = await callerWith();
		const response = await caller.send("/v1/tenants/acme/orders", {
			method: "POST",
			body: '{"sku":"A","quantity":1}',
			headers: { "content-type": "Application/JSON; charset=UTF-8" },
		});
		expect(response.status).toBe(201);
	});

	it("rejects a 2 MB body as payload_too_large", async () => {
		const caller = await callerWith();
		const response = await caller.send("/v1/tenants/acme/orders", {
			method: "POST",
			body: JSON.stringify({ sku: "A", quantity: 1, note: "x".repeat(2 * 1024 * 1024) }),
			headers: { "content-type": "application/json" },
		});
		expect(response.status).toBe(413);
		expect(await problemCode(response)).toBe("payload_too_large");
	});

	it("rejects a streamed body without Content-Length past the limit", async () => {
		const caller = await callerWith();
		const chunk = new TextEncoder().encode(" ".repeat(16 * 1024));
		let sent = 0;
		const stream = new ReadableStream<Uint8Array>({
			pull(controller) {
				if (sent >= 10) {
					controller.close();
					return;
				}
				sent += 1;
				controller.enqueue(chunk);
			},
		});

		const response = await caller.send("/v1/tenants/acme/orders", {
			method: "POST",
			body: stream,
			headers: { "content-type": "application/json" },
		});
		expect(response.status).toBe(413);
		expect(await problemCode(response)).toBe("payload_too_large");
	});
});
