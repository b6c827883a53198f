import { describe, expect, it } from "vitest";
import {
	cfWith,
	PLACEHOLDER_TLS_CLIENT_AUTH,
	validTlsClientAuth,
} from "../fixtures/certificates.ts";
import { callerWith, problemCode, send } from "../fixtures/requests.ts";

describe("untrusted identity headers through the worker", () => {
	it.each([
		["X-Forwarded-Client-Cert", 'Hash=abc;Subject="CN=admin"'],
		["X-Forwarded-User", "admin"],
		["x-forwarded-user", "admin"],
		["Client-Cert", ":MIIB:"],
		["Client-Cert-Chain", ":MIIB:"],
		["X-Client-Cert", "x"],
		["X-Client-Cert-Subject", "CN=admin"],
		["X-SSL-Client-Verify", "SUCCESS"],
		["X-SSL-Client-S-DN", "CN=admin"],
		["SSL-Client-Cert", "x"],
		["X-Forwarded-TLS-Client-Cert", "x"],
		["X-Forwarded-TLS-Client-Cert-Info", "x"],
		["X-Remote-User", "admin"],
		["Remote-User", "admin"],
		["X-Authenticated-User", "admin"],
		["X-SSL-Cert", "x"],
		["X-Client-Verify", "SUCCESS"],
		["X-Client-DN", "CN=admin"],
		["X-ARR-ClientCert", "x"],
		["X-Amzn-Mtls-Clientcert-Leaf", "x"],
		["X-Forwarded-Email", "admin@example.com"],
		["X-Forwarded-Preferred-Username", "admin"],
		["X-Auth-Request-User", "admin"],
		["X_Forwarded_User", "admin"],
		["SSL_CLIENT_S_DN", "CN=admin"],
	])("rejects %s as untrusted_identity_header", async (name, value) => {
		const caller = await callerWith();
		const response = await caller.send("/v1/whoami", { headers: { [name]: value } });
		expect(response.status).toBe(400);
		expect(await problemCode(response)).toBe("untrusted_identity_header");
	});

	it("rejects the header before the identity lookup", async () => {
		const response = await send("/v1/whoami", {
			cf: cfWith(validTlsClientAuth()),
			headers: { "x-forwarded-user": "admin" },
		});
		expect(response.status).toBe(400);
		expect(await problemCode(response)).toBe("untrusted_identity_header");
	});

	it("checks the certificate before the headers", async () => {
		const response = await send("/v1/whoami", {
			cf: cfWith(PLACEHOLDER_TLS_CLIENT_AUTH),
			headers: { "x-forwarded-user": "admin" },
		});
		expect(response.status).toBe(401);
		expect(await problemCode(response)).toBe("client_certificate_missing");
	});

	it("allows ordinary forwarding headers", async () => {
		const caller = await callerWith();
		const response = await caller.send("/v1/whoami", {
			headers: {
				"x-forwarded-for": "192.0.2.1",
				"x-forwarded-proto": "https",
				"user-agent": "test",
			},
		});
		expect(response.status).toBe(200);
	});
});
