import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index.ts";
import { cfWith, validTlsClientAuth } from "../fixtures/certificates.ts";
import { identityRecord, putIdentity } from "../fixtures/identities.ts";
import { callerWith, incomingRequest, problemCode, send } from "../fixtures/requests.ts";

async function authenticatedRequest(path: string): Promise<ReturnType<typeof incomingRequest>> {
	const tlsClientAuth = validTlsClientAuth();
	await putIdentity(tlsClientAuth.certFingerprintSHA256 as string, identityRecord());
	return incomingRequest(path, cfWith(tlsClientAuth));
}

describe("responses and logs", () => {
	afterEach(() => {
		vi.restoreAllMocks();
	});

	it.each([
		["a success", true],
		["a denial", false],
	])("sets the standard headers on %s", async (_name, authenticated) => {
		const caller = await callerWith();
		const response = authenticated ? await caller.send("/v1/whoami") : await send("/v1/whoami");
		expect(response.headers.get("cache-control")).toBe("no-store");
		expect(response.headers.get("x-content-type-options")).toBe("nosniff");
		expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
	});

	it("uses a well-formed cf-ray as the request id", async () => {
		const response = await send("/v1/whoami", { headers: { "cf-ray": "8d2f0c1a2b3c4d5e-AMS" } });
		const body = (await response.json()) as { requestId: string };
		expect(response.headers.get("x-request-id")).toBe("8d2f0c1a2b3c4d5e-AMS");
		expect(body.requestId).toBe("8d2f0c1a2b3c4d5e-AMS");
	});

	it("replaces a malformed cf-ray", async () => {
		const response = await send("/v1/whoami", { headers: { "cf-ray": 'x"}{injected' } });
		expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
	});

	it("writes a problem body with every RFC 9457 member", async () => {
		const response = await send("/v1/whoami");
		const body = (await response.json()) as Record<string, unknown>;
		expect(response.headers.get("content-type")).toBe("application/problem+json");
		expect(Object.keys(body).sort()).toEqual([
			"code",
			"detail",
			"requestId",
			"status",
			"title",
			"type",
		]);
		expect(body.status).toBe(401);
		expect(body.type).toBe("urn:problem-type:mtls-gate:mtls_required");
	});

	it("returns whoami with the certificate metadata", async () => {
		const tlsClientAuth = validTlsClientAuth();
		const fingerprint = tlsClientAuth.certFingerprintSHA256 as string;
		await putIdentity(
			fingerprint,
			identityRecord({ principal: "svc-a", tenantId: "acme", scopes: ["orders:read"] }),
		);

		const response = await send("/v1/whoami", { cf: cfWith(tlsClientAuth) });
		expect(await response.json()).toEqual({
			principal: "svc-a",
			tenantId: "acme",
			scopes: ["orders:read"],
			certificate: {
				fingerprintSHA256: fingerprint,
				serial: "00936EACBE07F201DF",
				subjectDN: "CN=svc-billing,O=Acme",
				issuerDN: "CN=Acme Client CA,O=Acme",
				notBefore: "2020-01-01T00:00:00.000Z",
				notAfter: "2099-12-31T23:59:59.000Z",
			},
		});
	});

	it("logs one line with the route pattern and a fingerprint prefix", async () => {
		const log = vi.spyOn(console, "log").mockImplementation(() => {});
		const caller = await callerWith({ principal: "svc-log" });

		await caller.send(`/v1/tenants/acme/orders/${crypto.randomUUID()}`);
		expect(log).toHaveBeenCalledTimes(1);
		const line = JSON.parse(String(log.mock.calls[0]?.[0])) as Record<string, unknown>;
		expect(line).toMatchObject({
			route: "/v1/tenants/:tenantId/orders/:orderId",
			status: 404,
			code: "not_found",
			principal: "svc-log",
			tenant: "acme",
			fingerprint: caller.fingerprint.slice(0, 16),
		});
		expect(String(log.mock.calls[0]?.[0])).not.toContain("CN=");
	});

	it("fails every request closed on an invalid configuration", async () => {
		const errors = vi.spyOn(console, "error").mockImplementation(() => {});
		const misconfigured = { ...env, IDENTITY_CACHE_TTL_SECONDS: "thirty" } as unknown as Env;

		const response = await worker.fetch(await authenticatedRequest("/v1/whoami"), misconfigured);
		expect(response.status).toBe(500);
		expect(await problemCode(response)).toBe("internal_error");
		expect(errors.mock.calls.map((call) => String(call[0])).join("\n")).toContain(
			"IDENTITY_CACHE_TTL_SECONDS",
		);
	});

	it("turns a thrown error into a generic 500 without its message", async () => {
		vi.spyOn(console, "error").mockImplementation(() => {});
		const broken = {
			...env,
			ORDERS: {
				list: () => Promise.reject(new Error("secret internal detail")),
			} as unknown as KVNamespace,
		};

		const response = await worker.fetch(
			await authenticatedRequest("/v1/tenants/acme/orders"),
			broken,
		);
		const text = await response.text();
		expect(response.status).toBe(500);
		expect(JSON.parse(text).code).toBe("internal_error");
		expect(text).not.toContain("secret internal detail");
		expect(text).not.toContain("at ");
	});
});
