import { describe } from "vitest";
import { gateProperty, isAuthorized, tenantOf } from "./support/property.ts";
import { routeArbitrary } from "./support/request.ts";

const VALID_ORDER = { contentType: "application/json", text: '{"sku":"A-1","quantity":2}' };

describe("path and tenant property", () => {
	gateProperty(
		"paths",
		"binds every tenant path to the identity's tenant",
		({ pool, now, entry }) =>
			entry((candidate) => isAuthorized(candidate, pool, now, "orders:read")).chain((chosen) =>
				routeArbitrary(pool.world, tenantOf(chosen)).map(({ method, path }) => ({
					method,
					path,
					headers: [],
					body: method === "POST" ? VALID_ORDER : null,
					cf: { tlsClientAuth: chosen.certificate },
				})),
			),
	);
});
