import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_HEADER_COUNT, MAX_JSON_DEPTH, MAX_URL_LENGTH } from "../../src/http/limits.ts";
import worker from "../../src/index.ts";
import { cfWith, validTlsClientAuth } from "../fixtures/certificates.ts";
import { identityRecord, putIdentity } from "../fixtures/identities.ts";
import { callerWith, incomingRequest, jsonBody, problemCode, send } from "../fixtures/requests.ts";

/** Wraps the real limiter binding. `decide` returns a verdict, throws, or returns undefined to consult the real one. */
function limiterEnv(decide: (key: string) => boolean | undefined): Env {
	return {
		...env,
		RATE_LIMITER: {
			limit: async (options: RateLimitOptions) => {
				const decided = decide(options.key);
				return decided === undefined ? env.RATE_LIMITER.limit(options) : { success: decided };
			},
		},
	};
}

async function mappedRequest(path: string) {
	const tlsClientAuth = validTlsClientAuth();
	await putIdentity(tlsClientAuth.certFingerprintSHA256 as string, identityRecord());
	return incomingRequest(path, cfWith(tlsClientAuth));
}

describe("rate limits through the worker", () => {
	afterEach(() => {
		vi.restoreAllMocks();
	});

	it("answers 429 rate_limited with Retry-After past the write limit", async () => {
		const caller = await callerWith();
		const post = () =>
			caller.send("/v1/tenants/acme/orders", {
				method: "POST",
				...jsonBody({ sku: "A", quantity: 1 }),
			});

		const statuses: number[] = [];
		for (let i = 0; i < 60; i += 1) {
			statuses.push((await post()).status);
		}
		const limited = await post();

		expect(statuses.every((status) => status === 201)).toBe(true);
		expect(limited.status).toBe(429);
		expect(limited.headers.get("retry-after")).toBe("60");
		expect(await problemCode(limited)).toBe("rate_limited");
	});

	it("answers 429 past the default per-identity limit", async () => {
		const caller = await callerWith();
		let last = new Response();
		for (let i = 0; i < 601; i += 1) {
			last = await caller.send("/v1/whoami");
		}
		expect(last.status).toBe(429);
		expect(await problemCode(last)).toBe("rate_limited");
	});

	it("limits requests that no route answers", async () => {
		const caller = await callerWith();
		let last = new Response();
		for (let i = 0; i < 601; i += 1) {
			last = await caller.send("/v1/no-such-route");
		}
		expect(last.status).toBe(429);
		expect(await problemCode(last)).toBe("rate_limited");
	});

	it("limits an unknown certificate by its fingerprint", async () => {
		const cf = cfWith(validTlsClientAuth());
		const statuses = new Set<number>();
		let last = new Response();
		for (let i = 0; i < 601; i += 1) {
			last = await send("/v1/whoami", { cf });
			statuses.add(last.status);
		}
		expect(statuses.has(403)).toBe(true);
		expect(last.status).toBe(429);
		expect(await problemCode(last)).toBe("rate_limited");
	});

	it("limits a certificate before the KV read", async () => {
		let reads = 0;
		const limited = limiterEnv((key) => (key.startsWith("certificate:") ? false : undefined));
		const counted = {
			...limited,
			IDENTITIES: {
				get: (key: string, options: KVNamespaceGetOptions<"text">) => {
					reads += 1;
					return env.IDENTITIES.get(key, options);
				},
			} as unknown as KVNamespace,
		};

		const response = await worker.fetch(await mappedRequest("/v1/whoami"), counted);
		expect(response.status).toBe(429);
		expect(await problemCode(response)).toBe("rate_limited");
		expect(reads).toBe(0);
	});

	it("fails closed with 503 rate_limiter_unavailable when the limiter throws", async () => {
		vi.spyOn(console, "error").mockImplementation(() => {});
		const broken = limiterEnv(() => {
			throw new Error("limiter down");
		});

		const response = await worker.fetch(await mappedRequest("/v1/whoami"), broken);
		expect(response.status).toBe(503);
		expect(response.headers.get("retry-after")).toBe("5");
		expect(await problemCode(response)).toBe("rate_limiter_unavailable");
	});
});

describe("request limits through the worker", () => {
	it("answers 414 uri_too_long past the URL limit", async () => {
		const caller = await callerWith();
		const prefix = "https://api.example.com/v1/whoami?q=";
		const response = await caller.send(
			`/v1/whoami?q=${"a".repeat(MAX_URL_LENGTH - prefix.length + 1)}`,
		);
		expect(response.status).toBe(414);
		expect(await problemCode(response)).toBe("uri_too_long");
	});

	it("answers 431 request_header_fields_too_large past the header count", async () => {
		const caller = await callerWith();
		const headers = Object.fromEntries(
			Array.from({ length: MAX_HEADER_COUNT + 1 }, (_, i) => [`x-h${i}`, "1"]),
		);
		const response = await caller.send("/v1/whoami", { headers });
		expect(response.status).toBe(431);
		expect(await problemCode(response)).toBe("request_header_fields_too_large");
	});

	it("answers 400 invalid_request for a path parameter past the length limit", async () => {
		const caller = await callerWith();
		const response = await caller.send(`/v1/tenants/acme/orders/${"a".repeat(129)}`);
		expect(response.status).toBe(400);
		expect(await problemCode(response)).toBe("invalid_request");
	});

	it("answers 400 invalid_request for a body nested past the depth limit", async () => {
		const caller = await callerWith();
		const deep = `${"[".repeat(MAX_JSON_DEPTH + 1)}${"]".repeat(MAX_JSON_DEPTH + 1)}`;
		const response = await caller.send("/v1/tenants/acme/orders", {
			method: "POST",
			body: `{"sku":"A","quantity":1,"note":${deep}}`,
			headers: { "content-type": "application/json" },
		});
		expect(response.status).toBe(400);
		expect(await problemCode(response)).toBe("invalid_request");
	});

	it("answers 400 invalid_request for a body array past the length limit", async () => {
		const caller = await callerWith();
		const response = await caller.send("/v1/tenants/acme/orders", {
			method: "POST",
			...jsonBody({ sku: "A", quantity: 1, note: new Array(1001).fill(0) }),
		});
		expect(response.status).toBe(400);
		expect(await problemCode(response)).toBe("invalid_request");
	});
});
