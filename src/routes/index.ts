/**
 * The route table. Add a route here after declaring it with `defineRoute`;
 * `buildRouter` rejects a table in which a route lacks a valid policy.
 */
import { createOrder, getTenantOrder, listTenantOrders } from "./orders/routes.ts";
import type { Route } from "./route.ts";
import { whoami } from "./whoami.ts";

export const routes: readonly Route[] = [whoami, listTenantOrders, createOrder, getTenantOrder];
