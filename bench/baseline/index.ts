/**
 * The baseline the gate is measured against: the short Worker a user might
 * write instead of the template. It checks only `certVerified === "SUCCESS"`
 * and returns the JSON of the template's `GET /v1/whoami`, with a fixed
 * identity in place of the KV lookup. With the var `LOG_EACH_REQUEST=true` it
 * also logs one line per request, to show what logging costs on its own.
 *
 * It has none of the template's protections: no revocation or validity check,
 * no identity mapping, scopes or tenants. It exists only as a benchmark
 * reference and must not be deployed as an API.
 */
import { Router } from "itty-router";
import { BASELINE_IDENTITY } from "./identity.ts";

interface CertificateFields {
	readonly certVerified?: unknown;
	readonly certFingerprintSHA256?: string;
	readonly certSerial?: string;
	readonly certSubjectDNRFC2253?: string;
	readonly certIssuerDNRFC2253?: string;
	readonly certNotBefore?: string;
	readonly certNotAfter?: string;
}

const router = Router();

/** Vars of the baseline; none is set unless a benchmark case passes it with `--var`. */
interface BaselineEnv {
	/** `"true"` writes one JSON log line per request, shaped like the template's. */
	readonly LOG_EACH_REQUEST?: string;
}

router.get("/v1/whoami", (request, env?: BaselineEnv) => {
	const certificate: CertificateFields | undefined = request.cf?.tlsClientAuth;
	if (certificate?.certVerified !== "SUCCESS") {
		return new Response("client certificate required", { status: 401 });
	}

	if (env?.LOG_EACH_REQUEST === "true") {
		console.log(
			JSON.stringify({
				message: "request",
				requestId: crypto.randomUUID(),
				method: request.method,
				route: "/v1/whoami",
				status: 200,
				code: null,
				principal: BASELINE_IDENTITY.principal,
				tenant: BASELINE_IDENTITY.tenantId,
				fingerprint: certificate.certFingerprintSHA256?.slice(0, 16),
				durationMs: 0,
			}),
		);
	}

	return new Response(
		JSON.stringify({
			...BASELINE_IDENTITY,
			certificate: {
				fingerprintSHA256: certificate.certFingerprintSHA256,
				serial: certificate.certSerial,
				subjectDN: certificate.certSubjectDNRFC2253,
				issuerDN: certificate.certIssuerDNRFC2253,
				notBefore: new Date(certificate.certNotBefore ?? "").toISOString(),
				notAfter: new Date(certificate.certNotAfter ?? "").toISOString(),
			},
		}),
		{ headers: { "content-type": "application/json; charset=utf-8" } },
	);
});

router.all("*", () => new Response("not found", { status: 404 }));

export default {
	fetch: (request: Request, env?: BaselineEnv): Promise<Response> => router.fetch(request, env),
};
