import { fc } from "@fast-check/vitest";
import { describe } from "vitest";
import { perturbedCertificate } from "./support/certificates.ts";
import { gateProperty, isAuthorized, tenantOf } from "./support/property.ts";
import { bodyArbitrary, headersArbitrary, routeArbitrary } from "./support/request.ts";

describe("combined request property", () => {
	gateProperty(
		"combined",
		"holds with every part of the request generated",
		({ pool, now, entry }) => {
			const fingerprints = pool.entries.map(
				(other) => other.certificate.certFingerprintSHA256 as string,
			);
			return entry((candidate) => isAuthorized(candidate, pool, now)).chain((chosen) =>
				fc
					.record({
						certificate: fc.oneof(
							{
								weight: 2,
								arbitrary: fc.constant({
									change: "none",
									cf: { tlsClientAuth: chosen.certificate },
								}),
							},
							{ weight: 1, arbitrary: perturbedCertificate(chosen.certificate, now, fingerprints) },
						),
						headers: fc.oneof(
							{ weight: 3, arbitrary: fc.constant([]) },
							{ weight: 1, arbitrary: headersArbitrary(1) },
						),
						route: routeArbitrary(pool.world, tenantOf(chosen)),
						body: bodyArbitrary,
					})
					.map(({ certificate, headers, route, body }) => ({
						change: certificate.change,
						method: route.method,
						path: route.path,
						headers,
						body: route.method === "POST" ? body : null,
						cf: certificate.cf,
					})),
			);
		},
	);
});
