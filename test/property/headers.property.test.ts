import { fc } from "@fast-check/vitest";
import { describe } from "vitest";
import { gateProperty, isAuthorized, tenantOf } from "./support/property.ts";
import { headersArbitrary } from "./support/request.ts";

describe("identity header property", () => {
	gateProperty("headers", "rejects every identity header in any case", ({ pool, now, entry }) =>
		entry((candidate) => isAuthorized(candidate, pool, now)).chain((chosen) =>
			fc
				.tuple(
					headersArbitrary(2),
					fc.constantFrom("/v1/whoami", "/v1/whoami", `/v1/tenants/${tenantOf(chosen)}/orders`),
				)
				.map(([headers, path]) => ({
					method: "GET",
					path,
					headers,
					body: null,
					cf: { tlsClientAuth: chosen.certificate },
				})),
		),
	);
});
