import { jsonResponse } from "../http/respond.ts";
import { defineRoute } from "./route.ts";

/** GET /v1/whoami: the caller's identity and certificate metadata, for any valid identity. */
export const whoami = defineRoute({
	method: "GET",
	path: "/v1/whoami",
	policy: { scopes: [], tenantParam: null },
	params: null,
	body: null,
	handle: ({ identity, certificate }) =>
		jsonResponse({
			principal: identity.principal,
			tenantId: identity.tenantId,
			scopes: [...identity.scopes],
			certificate: {
				fingerprintSHA256: certificate.fingerprintSHA256,
				serial: certificate.serial,
				subjectDN: certificate.subjectDN,
				issuerDN: certificate.issuerDN,
				notBefore: new Date(certificate.notBeforeMs).toISOString(),
				notAfter: new Date(certificate.notAfterMs).toISOString(),
			},
		}),
});
