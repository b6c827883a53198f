/**
 * The front door against a recording HTTP server in place of `wrangler dev`,
 * to check exactly what it forwards.
 */
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { request as httpsRequest } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FrontDoor, startFrontDoor } from "../../../dev/front-door/server.ts";
import { cloudflareFingerprint, createTestPki, type TestPki } from "../support/pki.ts";

interface Recorded {
	method: string;
	url: string;
	rawHeaders: string[];
	body: string;
}

let pki: TestPki;
let upstream: Server;
let frontDoor: FrontDoor;
let serverCa: string;
const recorded: Recorded[] = [];

beforeAll(async () => {
	pki = await createTestPki();
	serverCa = await readFile(pki.layout.serverCa, "utf8");

	upstream = createServer((request: IncomingMessage, response) => {
		const chunks: Buffer[] = [];
		request.on("data", (chunk: Buffer) => chunks.push(chunk));
		request.on("end", () => {
			recorded.push({
				method: request.method ?? "",
				url: request.url ?? "",
				rawHeaders: request.rawHeaders,
				body: Buffer.concat(chunks).toString(),
			});
			response.writeHead(207, [
				["x-upstream", "yes"],
				["set-cookie", "a=1"],
				["set-cookie", "b=2"],
			]);
			response.end("upstream body");
		});
	});
	await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
	const address = upstream.address();
	const port = typeof address === "object" && address !== null ? address.port : 0;

	frontDoor = await startFrontDoor({
		port: 0,
		workerUrl: `http://127.0.0.1:${port}`,
		serverCertificatePem: await readFile(pki.layout.serverCertificate, "utf8"),
		serverKeyPem: await readFile(pki.layout.serverKey, "utf8"),
		clientCaPems: [await readFile(pki.layout.clientCa, "utf8")],
		crlPems: [await readFile(pki.layout.clientCrl, "utf8")],
		log: () => {},
	});
});

afterAll(async () => {
	await frontDoor?.close();
	await new Promise((resolve) => upstream?.close(resolve));
	await pki?.remove();
});

interface Reply {
	status: number;
	rawHeaders: string[];
	body: string;
	forwarded: Recorded;
}

/** Sends one request through the front door and returns the reply and what the upstream received. */
async function send(
	path: string,
	options: {
		certificate?: string;
		method?: string;
		headers?: [string, string][];
		chunks?: string[];
		/** Address to connect to; 127.0.0.1 when omitted. */
		host?: string;
	} = {},
): Promise<Reply> {
	const credentials =
		options.certificate === undefined
			? {}
			: {
					cert: await readFile(pki.certificateFile(options.certificate), "utf8"),
					key: await readFile(pki.keyFile(options.certificate), "utf8"),
				};
	const before = recorded.length;

	const reply = await new Promise<Omit<Reply, "forwarded">>((resolve, reject) => {
		const request = httpsRequest(
			{
				host: options.host ?? "127.0.0.1",
				port: frontDoor.port,
				servername: "localhost",
				path,
				method: options.method ?? "GET",
				// Raw header pairs keep repeats and case; with them, Node adds no Host of its own.
				headers: [["host", `localhost:${frontDoor.port}`], ...(options.headers ?? [])].flat(),
				ca: serverCa,
				agent: false,
				...credentials,
			},
			(response) => {
				let body = "";
				response.on("data", (chunk: Buffer) => {
					body += chunk.toString();
				});
				response.on("end", () =>
					resolve({ status: response.statusCode ?? 0, rawHeaders: response.rawHeaders, body }),
				);
			},
		);
		request.on("error", reject);
		for (const chunk of options.chunks ?? []) {
			request.write(chunk);
		}
		request.end();
	});

	const forwarded = recorded[before];
	if (forwarded === undefined) {
		throw new Error(
			`the upstream received nothing for ${path}; the front door replied ${reply.status} ${reply.body}`,
		);
	}
	return { ...reply, forwarded };
}

function headerValues(rawHeaders: readonly string[], name: string): string[] {
	const values: string[] = [];
	for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
		if (rawHeaders[i]?.toLowerCase() === name) {
			values.push(rawHeaders[i + 1] ?? "");
		}
	}
	return values;
}

function forwardedCf(reply: Reply): {
	tlsClientAuth: Record<string, unknown>;
	[key: string]: unknown;
} {
	const [blob] = headerValues(reply.forwarded.rawHeaders, "mf-cf-blob");
	return JSON.parse(blob ?? "null");
}

describe("front door forwarding", () => {
	it("passes method, path and query unchanged", async () => {
		const reply = await send("/v1/tenants/acme/orders?limit=5&x=%2F", {
			certificate: "acme-writer",
			method: "PATCH",
		});

		expect(reply.forwarded.method).toBe("PATCH");
		expect(reply.forwarded.url).toBe("/v1/tenants/acme/orders?limit=5&x=%2F");
	});

	it("streams a chunked body", async () => {
		const reply = await send("/v1/tenants/acme/orders", {
			certificate: "acme-writer",
			method: "POST",
			headers: [["content-type", "application/json"]],
			chunks: ['{"sku":', '"a",', '"quantity":1}'],
		});

		expect(reply.forwarded.body).toBe('{"sku":"a","quantity":1}');
		expect(headerValues(reply.forwarded.rawHeaders, "content-type")).toStrictEqual([
			"application/json",
		]);
	});

	it("returns the upstream status, headers and body", async () => {
		const reply = await send("/", { certificate: "acme-writer" });

		expect(reply.status).toBe(207);
		expect(reply.body).toBe("upstream body");
		expect(headerValues(reply.rawHeaders, "x-upstream")).toStrictEqual(["yes"]);
		expect(headerValues(reply.rawHeaders, "set-cookie")).toStrictEqual(["a=1", "b=2"]);
	});

	it("keeps identity headers and repeated headers as the client sent them", async () => {
		const reply = await send("/", {
			certificate: "acme-writer",
			headers: [
				["X-Forwarded-Client-Cert", "Hash=abc"],
				["X-Custom", "one"],
				["X-Custom", "two"],
			],
		});

		expect(headerValues(reply.forwarded.rawHeaders, "x-forwarded-client-cert")).toStrictEqual([
			"Hash=abc",
		]);
		expect(headerValues(reply.forwarded.rawHeaders, "x-custom")).toStrictEqual(["one", "two"]);
	});

	it("adds no identity headers of its own", async () => {
		const reply = await send("/", { certificate: "acme-writer" });
		const names = new Set(
			reply.forwarded.rawHeaders
				.filter((_, index) => index % 2 === 0)
				.map((name) => name.toLowerCase()),
		);

		for (const name of names) {
			expect(name).not.toMatch(/client-cert|ssl-client|forwarded|remote-user|authenticated-user/);
		}
	});

	it("drops hop-by-hop headers and those named in Connection", async () => {
		const reply = await send("/", {
			certificate: "acme-writer",
			headers: [
				["Connection", "keep-alive, X-Hop"],
				["X-Hop", "secret"],
				["Keep-Alive", "timeout=5"],
				["TE", "trailers"],
			],
		});

		expect(headerValues(reply.forwarded.rawHeaders, "x-hop")).toStrictEqual([]);
		expect(headerValues(reply.forwarded.rawHeaders, "keep-alive")).toStrictEqual([]);
		expect(headerValues(reply.forwarded.rawHeaders, "te")).toStrictEqual([]);
	});

	it("replaces a client's MF-CF-Blob with its own", async () => {
		const forged = JSON.stringify({
			tlsClientAuth: { certPresented: "1", certVerified: "SUCCESS" },
		});
		const reply = await send("/", {
			headers: [
				["MF-CF-Blob", forged],
				["mf-cf-blob", forged],
			],
		});

		expect(headerValues(reply.forwarded.rawHeaders, "mf-cf-blob")).toHaveLength(1);
		expect(forwardedCf(reply).tlsClientAuth.certPresented).toBe("0");
		expect(forwardedCf(reply).tlsClientAuth.certVerified).toBe("NONE");
	});

	it("sends the presented certificate's tlsClientAuth", async () => {
		const reply = await send("/", { certificate: "acme-reader" });
		const leaf = await pki.leaf("acme-reader");
		const cf = forwardedCf(reply);

		expect(cf.tlsClientAuth.certPresented).toBe("1");
		expect(cf.tlsClientAuth.certVerified).toBe("SUCCESS");
		expect(cf.tlsClientAuth.certRevoked).toBe("0");
		expect(cf.tlsClientAuth.certFingerprintSHA256).toBe(cloudflareFingerprint(leaf.fingerprint256));
		expect(cf.httpProtocol).toBe("HTTP/1.1");
		expect(cf.tlsVersion).toMatch(/^TLSv1\.[23]$/);
	});

	it.each([
		["expired", "FAILED:certificate has expired", "0"],
		["not-yet-valid", "FAILED:certificate is not yet valid", "0"],
		["self-signed", "FAILED:self signed certificate", "0"],
		["untrusted-ca", "FAILED:unable to verify the first certificate", "0"],
		["revoked", "SUCCESS", "1"],
		["globex-chained", "SUCCESS", "0"],
	])("%s: certVerified %s, certRevoked %s", async (certificate, verified, revoked) => {
		const reply = await send("/", { certificate });
		const cf = forwardedCf(reply);

		expect(cf.tlsClientAuth.certPresented).toBe("1");
		expect(cf.tlsClientAuth.certVerified).toBe(verified);
		expect(cf.tlsClientAuth.certRevoked).toBe(revoked);
	});

	it("reports the intermediate a chained client sends", async () => {
		const reply = await send("/", { certificate: "globex-chained" });
		const [, intermediate] = await pki.chain("globex-chained");

		expect(forwardedCf(reply).tlsClientAuth.certChainRFC9440).toBe(
			`:${intermediate?.raw.toString("base64")}:`,
		);
	});

	it("sets clientAcceptEncoding from the client's Accept-Encoding", async () => {
		const withHeader = await send("/", {
			certificate: "acme-writer",
			headers: [["Accept-Encoding", "gzip"]],
		});
		const without = await send("/", { certificate: "acme-writer" });

		expect(forwardedCf(withHeader).clientAcceptEncoding).toBe("gzip");
		expect(forwardedCf(without).clientAcceptEncoding).toBe("");
	});

	it("listens on both loopback addresses", async () => {
		expect(frontDoor.addresses).toContain("127.0.0.1");

		// Machines without IPv6 keep IPv4 only; where ::1 exists, it must reach the same front door.
		if (frontDoor.addresses.includes("::1")) {
			const reply = await send("/via-ipv6", { certificate: "acme-writer", host: "::1" });
			expect(reply.status).toBe(207);
			expect(reply.forwarded.url).toBe("/via-ipv6");
		}
	});
});
