import { jsonResponse } from "../../http/respond.ts";
import { defineRoute } from "../route.ts";
import { NewOrderSchema, type Order, OrderParamsSchema, TenantParamsSchema } from "./schema.ts";
import { getOrder, listOrders, putOrder } from "./store.ts";

/** GET /v1/tenants/:tenantId/orders: the caller's tenant's orders. */
export const listTenantOrders = defineRoute({
	method: "GET",
	path: "/v1/tenants/:tenantId/orders",
	policy: { scopes: ["orders:read"], tenantParam: "tenantId" },
	params: TenantParamsSchema,
	body: null,
	handle: async ({ env, identity }) => {
		const orders = await listOrders(env.ORDERS, identity.tenantId);
		return jsonResponse({ orders });
	},
});

/** POST /v1/tenants/:tenantId/orders: create an order; the server sets id, tenant, author and time. */
export const createOrder = defineRoute({
	method: "POST",
	path: "/v1/tenants/:tenantId/orders",
	policy: {
		scopes: ["orders:write"],
		tenantParam: "tenantId",
		rateLimit: { limiter: "RATE_LIMITER_WRITES", onLimiterFailure: "closed" },
	},
	params: TenantParamsSchema,
	body: NewOrderSchema,
	handle: async ({ env, identity, body, now }) => {
		const order: Order = {
			id: crypto.randomUUID(),
			tenantId: identity.tenantId,
			sku: body.sku,
			quantity: body.quantity,
			...(body.note === undefined ? {} : { note: body.note }),
			createdBy: identity.principal,
			createdAt: new Date(now).toISOString(),
		};

		await putOrder(env.ORDERS, order);
		const location = `/v1/tenants/${order.tenantId}/orders/${order.id}`;
		return jsonResponse(order, 201, { location });
	},
});

/** GET /v1/tenants/:tenantId/orders/:orderId: one order of the caller's tenant, else 404. */
export const getTenantOrder = defineRoute({
	method: "GET",
	path: "/v1/tenants/:tenantId/orders/:orderId",
	policy: { scopes: ["orders:read"], tenantParam: "tenantId" },
	params: OrderParamsSchema,
	body: null,
	handle: async ({ env, identity, params }) => {
		const order = await getOrder(env.ORDERS, identity.tenantId, params.orderId);
		return order === undefined ? { code: "not_found" } : jsonResponse(order);
	},
});
