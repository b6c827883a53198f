import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index.ts";
import { cfWith, validTlsClientAuth } from "../fixtures/certificates.ts";
import { identityRecord, putIdentity } from "../fixtures/identities.ts";
import { callerWith, incomingRequest, problemCode, send } from "../fixtures/requests.ts";

describe("identity lookup through the worker", () => {
	it("rejects an unknown fingerprint as identity_not_found", async () => {
		const response = await send("/v1/whoami", { cf: cfWith(validTlsClientAuth()) });
		expect(response.status).toBe(403);
		expect(await problemCode(response)).toBe("identity_not_found");
	});

	it.each([
		["disabled", { status: "disabled" }, "identity_disabled"],
		["revoked", { status: "revoked" }, "identity_revoked"],
		["expired", { expiresAt: "2020-01-01T00:00:00Z" }, "identity_expired"],
		["pinned to another issuer DN", { issuerDN: "CN=Other CA,O=Other" }, "issuer_mismatch"],
		[
			"pinned to an issuer DN differing in case",
			{ issuerDN: "cn=acme client ca,o=acme" },
			"issuer_mismatch",
		],
		["pinned to another issuer SKI", { issuerSKI: "00:11:22:33" }, "issuer_mismatch"],
		["pinned to another serial", { serial: "936EACBE07F201E0" }, "serial_mismatch"],
	] as const)("rejects a record %s", async (_name, overrides, code) => {
		const caller = await callerWith(overrides);
		const response = await caller.send("/v1/whoami");
		expect(response.status).toBe(403);
		expect(await problemCode(response)).toBe(code);
	});

	it.each([
		["issuer DN", { issuerDN: "CN=Acme Client CA,O=Acme" }],
		[
			"issuer SKI without colons in lowercase",
			{ issuerSKI: "bbaf7e023dfaa6f13c848eadee3898ecd93232d4" },
		],
		["serial without leading zeros in lowercase", { serial: "936eacbe07f201df" }],
		["serial with more leading zeros", { serial: "0000936EACBE07F201DF" }],
		["expiry in the future", { expiresAt: "2099-01-01T00:00:00Z" }],
	] as const)("accepts a matching pin: %s", async (_name, overrides) => {
		const caller = await callerWith(overrides);
		const response = await caller.send("/v1/whoami");
		expect(response.status).toBe(200);
	});

	it.each([
		["invalid JSON", "{not json"],
		["an unknown key", JSON.stringify({ ...identityRecord(), admin: true })],
		["a wrong type", JSON.stringify({ ...identityRecord(), scopes: "orders:read" })],
		["another version", JSON.stringify({ ...identityRecord(), version: 2 })],
		["an unknown status", JSON.stringify({ ...identityRecord(), status: "Active" })],
		["an invalid tenant", JSON.stringify({ ...identityRecord(), tenantId: "../acme" })],
		[
			"an expiry with an offset",
			JSON.stringify({ ...identityRecord(), expiresAt: "2099-01-01T00:00:00+01:00" }),
		],
		["an empty object", "{}"],
		["JSON null", "null"],
	])("fails closed on a record with %s as internal_error", async (_name, text) => {
		const tlsClientAuth = validTlsClientAuth();
		await putIdentity(tlsClientAuth.certFingerprintSHA256 as string, text);

		const response = await send("/v1/whoami", { cf: cfWith(tlsClientAuth) });
		expect(response.status).toBe(500);
		expect(await problemCode(response)).toBe("internal_error");
	});

	it("answers 503 identity_store_unavailable with Retry-After when KV throws", async () => {
		const failing = {
			...env,
			IDENTITIES: {
				...env.IDENTITIES,
				get: () => Promise.reject(new Error("KV down")),
			} as unknown as KVNamespace,
		};
		const request = incomingRequest("/v1/whoami", cfWith(validTlsClientAuth()));

		const response = await worker.fetch(request, failing);
		expect(response.status).toBe(503);
		expect(response.headers.get("retry-after")).toBe("5");
		expect(await problemCode(response)).toBe("identity_store_unavailable");
	});

	it("does not cache a failed read", async () => {
		const tlsClientAuth = validTlsClientAuth();
		await putIdentity(tlsClientAuth.certFingerprintSHA256 as string, identityRecord());
		let failures = 1;
		const flaky = {
			...env,
			IDENTITIES: {
				get: (key: string, options: KVNamespaceGetOptions<"text">) => {
					if (failures > 0) {
						failures -= 1;
						return Promise.reject(new Error("KV down"));
					}
					return env.IDENTITIES.get(key, options);
				},
			} as unknown as KVNamespace,
		};
		const request = () => incomingRequest("/v1/whoami", cfWith(tlsClientAuth));

		const first = await worker.fetch(request(), flaky);
		const second = await worker.fetch(request(), flaky);
		expect(first.status).toBe(503);
		expect(second.status).toBe(200);
	});
});
