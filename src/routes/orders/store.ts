/**
 * Tenant-scoped storage of orders in the ORDERS namespace. Keys are built from
 * the authenticated identity's tenant id, which callers pass in; nothing here
 * reads the request.
 */
import * as v from "valibot";
import { type Order, OrderSchema } from "./schema.ts";

/** Maximum orders returned by one list call, bounding KV reads per request. */
export const MAX_LISTED_ORDERS = 50;

function tenantPrefix(tenantId: string): string {
	return `tenant:${tenantId}:order:`;
}

export async function putOrder(store: KVNamespace, order: Order): Promise<void> {
	await store.put(`${tenantPrefix(order.tenantId)}${order.id}`, JSON.stringify(order));
}

/** Returns the order, or `undefined` when it is absent, invalid or belongs to another tenant. */
export async function getOrder(
	store: KVNamespace,
	tenantId: string,
	orderId: string,
): Promise<Order | undefined> {
	const text = await store.get(`${tenantPrefix(tenantId)}${orderId}`, "text");
	if (text === null) {
		return undefined;
	}

	return parseOrder(text, tenantId);
}

export async function listOrders(store: KVNamespace, tenantId: string): Promise<Order[]> {
	const listing = await store.list({ prefix: tenantPrefix(tenantId), limit: MAX_LISTED_ORDERS });
	const texts = await Promise.all(listing.keys.map((key) => store.get(key.name, "text")));

	const orders: Order[] = [];
	for (const text of texts) {
		const order = text === null ? undefined : parseOrder(text, tenantId);
		if (order !== undefined) {
			orders.push(order);
		}
	}
	return orders;
}

// A stored order whose tenant differs from its key is treated as absent: the
// key layout already separates tenants, and this check keeps a corrupted or
// hand-written value from crossing that boundary.
function parseOrder(text: string, tenantId: string): Order | undefined {
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		return undefined;
	}

	const result = v.safeParse(OrderSchema, json);
	if (!result.success || result.output.tenantId !== tenantId) {
		return undefined;
	}
	return result.output;
}
