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

/** Limits of the `[[ratelimits]]` bindings in wrangler.toml. */
const DEFAULT_LIMIT = 600;
const WRITE_LIMIT = 60;

/**
 * Sends until the first 429, at most twice the limit plus one: the local
 * limiter counts in fixed windows, so a window may roll over mid-test and
 * reset the count once.
 */
async function sendUntilLimited(
	sendOne: () => Promise<Response>,
	limit: number,
): Promise<{ before: number[]; limited: Response | undefined }> {
	const before: number[] = [];
	for (let i = 0; i <= 2 * limit + 1; i += 1) {
		const response = await sendOne();
		if (response.status === 429) {
			return { before, limited: response };
		}
		before.push(response.status);
	}
	return { before, limited: undefined };
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
		const { before, limited } = await sendUntilLimited(
			() =>
				caller.send("/v1/tenants/acme/orders", {
					method: "POST",
					...jsonBody({ sku: "A", quantity: 1 }),
				}),
			WRITE_LIMIT,
		);

		expect(before.length).toBeGreaterThanOrEqual(WRITE_LIMIT);
		expect(new Set(before)).toEqual(new Set([201]));
		expect(limited?.headers.get("retry-after")).toBe("60");
		expect(limited === undefined ? "none" : await problemCode(limited)).toBe("rate_limited");
	});

	it.each([
		["a route", "/v1/whoami", 200],
		["a path no route answers", "/v1/no-such-route", 404],
	])("answers 429 past the default per-identity limit on %s", async (_name, path, status) => {
		const caller = await callerWith();
		const { before, limited } = await sendUntilLimited(() => caller.send(path), DEFAULT_LIMIT);

		expect(before.length).toBeGreaterThanOrEqual(DEFAULT_LIMIT);
		expect(new Set(before)).toEqual(new Set([status]));
		expect(limited === undefined ? "none" : await problemCode(limited)).toBe("rate_limited");
	});

	it("limits an unknown certificate by its fingerprint", async () => {
		const cf = cfWith(validTlsClientAuth());
		const { before, limited } = await sendUntilLimited(
			() => send("/v1/whoami", { cf }),
			DEFAULT_LIMIT,
		);

		// The first request also counts once for its KV read, under the same key.
		expect(before.length).toBeGreaterThanOrEqual(DEFAULT_LIMIT - 1);
		expect(new Set(before)).toEqual(new Set([403]));
		expect(limited === undefined ? "none" : await problemCode(limited)).toBe("rate_limited");
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
