import { fc } from "@fast-check/vitest";
import { describe } from "vitest";
import { perturbedCertificate } from "./support/certificates.ts";
import { gateProperty, tenantOf } from "./support/property.ts";

describe("certificate metadata property", () => {
	gateProperty(
		"certificate",
		"grants nothing to a perturbed tlsClientAuth",
		({ pool, now, entry }) => {
			const fingerprints = pool.entries.map(
				(other) => other.certificate.certFingerprintSHA256 as string,
			);
			return entry().chain((chosen) => {
				const tenant = tenantOf(chosen);
				const route = fc.oneof(
					{ weight: 3, arbitrary: fc.constant({ method: "GET", path: "/v1/whoami" }) },
					{
						weight: 1,
						arbitrary: fc.constant({ method: "GET", path: `/v1/tenants/${tenant}/orders` }),
					},
				);
				return fc
					.tuple(perturbedCertificate(chosen.certificate, now, fingerprints), route)
					.map(([certificate, { method, path }]) => ({
						change: certificate.change,
						method,
						path,
						headers: [],
						body: null,
						cf: certificate.cf,
					}));
			});
		},
	);
});
