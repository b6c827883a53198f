import { fc } from "@fast-check/vitest";
import { describe } from "vitest";
import { gateProperty, isAuthorized, tenantOf } from "./support/property.ts";
import { bodyArbitrary } from "./support/request.ts";
import { TENANTS } from "./support/world.ts";

describe("order body property", () => {
	gateProperty(
		"bodies",
		"stores only valid bodies with server-owned fields",
		({ pool, now, entry }) =>
			entry((candidate) => isAuthorized(candidate, pool, now, "orders:write")).chain((chosen) =>
				fc
					.tuple(
						bodyArbitrary,
						fc.oneof(
							{ weight: 5, arbitrary: fc.constant(tenantOf(chosen)) },
							{ weight: 1, arbitrary: fc.constantFrom(...TENANTS) },
						),
					)
					.map(([body, tenant]) => ({
						method: "POST",
						path: `/v1/tenants/${tenant}/orders`,
						headers: [],
						body,
						cf: { tlsClientAuth: chosen.certificate },
					})),
			),
	);
});
