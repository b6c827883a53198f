/**
 * The local mTLS front door end to end. A generated dev PKI and its seeded
 * identities back `wrangler dev` and the front door on free loopback ports.
 * Real TLS clients (Node's https and tls, and curl when installed) present
 * every dev certificate.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { request as httpsRequest } from "node:https";
import { connect as netConnect } from "node:net";
import { type TLSSocket, connect as tlsConnect } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FrontDoor, startFrontDoor } from "../../dev/front-door/server.ts";
import { seedIdentities } from "../../dev/seed.ts";
import type { WranglerDev } from "../../dev/wrangler/dev-server.ts";
import { OPENSSL_AVAILABLE, opensslX509Field } from "../node/support/openssl.ts";
import { cloudflareFingerprint, createTestPki, type TestPki } from "../node/support/pki.ts";
import { expectProblem, freePort, makeTempDir, startWorker, type TempDir } from "./harness.ts";

let state: TempDir;
let pki: TestPki;
let worker: WranglerDev;
let frontDoor: FrontDoor;
let serverCa: string;
const frontDoorLog: string[] = [];

async function frontDoorFor(workerUrl: string): Promise<FrontDoor> {
	return startFrontDoor({
		port: 0,
		workerUrl,
		serverCertificatePem: await readFile(pki.layout.serverCertificate, "utf8"),
		serverKeyPem: await readFile(pki.layout.serverKey, "utf8"),
		clientCaPems: [await readFile(pki.layout.clientCa, "utf8")],
		crlPems: [await readFile(pki.layout.clientCrl, "utf8")],
		log: (message) => frontDoorLog.push(message),
	});
}

beforeAll(async () => {
	state = await makeTempDir("mtls-front-door-");
	pki = await createTestPki();
	serverCa = await readFile(pki.layout.serverCa, "utf8");

	await seedIdentities({ pkiDir: pki.layout.dir, persistTo: state.path });
	worker = await startWorker(state.path);
	frontDoor = await frontDoorFor(worker.url);
}, 180_000);

afterAll(async () => {
	await frontDoor?.close();
	await worker?.stop();
	await pki?.remove();
	await state?.remove();
});

interface ClientOptions {
	/** Dev certificate to present; none when omitted. */
	certificate?: string;
	method?: string;
	headers?: Record<string, string>;
	body?: string | Buffer | AsyncIterable<Buffer>;
	/** SNI; `false` sends none. */
	servername?: string | false;
	/** A TLS socket to send the request over, for session tests. */
	socket?: TLSSocket;
}

interface ClientResponse {
	status: number;
	headers: Headers;
	body: string;
}

async function clientCredentials(certificate: string | undefined) {
	if (certificate === undefined) {
		return {};
	}
	return {
		cert: await readFile(pki.certificateFile(certificate), "utf8"),
		key: await readFile(pki.keyFile(certificate), "utf8"),
	};
}

/** Sends one HTTPS request over a new connection (no agent, so no session reuse). */
async function call(path: string, options: ClientOptions = {}): Promise<ClientResponse> {
	const credentials = await clientCredentials(options.certificate);
	const servername = options.servername ?? "localhost";

	return new Promise((resolve, reject) => {
		const request = httpsRequest(
			{
				host: "127.0.0.1",
				port: frontDoor.port,
				path,
				method: options.method ?? "GET",
				headers: { host: `localhost:${frontDoor.port}`, ...options.headers },
				ca: serverCa,
				...credentials,
				// Node derives SNI from the Host header unless servername is "" (no SNI).
				servername: servername === false ? "" : servername,
				timeout: 30_000,
				// Node uses createConnection only without an agent; agent false would open a new connection.
				...(options.socket === undefined
					? { agent: false }
					: { createConnection: () => options.socket }),
			},
			(response) => {
				const chunks: Buffer[] = [];
				response.on("data", (chunk: Buffer) => chunks.push(chunk));
				response.on("end", () => {
					const headers = new Headers();
					for (const [name, value] of Object.entries(response.headers)) {
						for (const item of Array.isArray(value) ? value : [value ?? ""]) {
							headers.append(name, item);
						}
					}
					resolve({
						status: response.statusCode ?? 0,
						headers,
						body: Buffer.concat(chunks).toString(),
					});
				});
				response.on("error", reject);
			},
		);
		request.on("error", reject);
		request.on("timeout", () => request.destroy(new Error("request timed out")));

		const body = options.body;
		if (body === undefined || typeof body === "string" || Buffer.isBuffer(body)) {
			request.end(body);
			return;
		}
		void (async () => {
			for await (const chunk of body) {
				request.write(chunk);
			}
			request.end();
		})();
	});
}

function principalOf(response: ClientResponse): string {
	return (JSON.parse(response.body) as { principal: string }).principal;
}

describe("front door: every dev certificate on /v1/whoami", () => {
	it.each([
		["acme-writer", "acme-order-writer"],
		["acme-reader", "acme-order-reader"],
		["globex-writer", "globex-order-writer"],
		["globex-pinned", "globex-billing"],
		["globex-chained", "globex-edge-device"],
		["acme-unicode", "acme-unicode-device"],
	])("%s: 200 as %s", async (certificate, principal) => {
		const response = await call("/v1/whoami", { certificate });

		expect(response.status).toBe(200);
		expect(principalOf(response)).toBe(principal);
	});

	it.each([
		["expired", 401, "client_certificate_unverified"],
		["not-yet-valid", 401, "client_certificate_unverified"],
		["self-signed", 401, "client_certificate_unverified"],
		["untrusted-ca", 401, "client_certificate_unverified"],
		["revoked", 401, "client_certificate_revoked"],
		["acme-disabled", 403, "identity_disabled"],
		["acme-identity-revoked", 403, "identity_revoked"],
		["unregistered", 403, "identity_not_found"],
	])("%s: %i %s", async (certificate, status, code) => {
		expectProblem(await call("/v1/whoami", { certificate }), status, code);
	});

	it("no certificate: 401 client_certificate_missing", async () => {
		expectProblem(await call("/v1/whoami"), 401, "client_certificate_missing");
	});

	it("reports the fingerprint of the presented certificate", async () => {
		const response = await call("/v1/whoami", { certificate: "acme-writer" });
		const leaf = await pki.leaf("acme-writer");
		const reported = (JSON.parse(response.body) as { certificate: { fingerprintSHA256: string } })
			.certificate.fingerprintSHA256;

		expect(reported).toBe(cloudflareFingerprint(leaf.fingerprint256));
		if (OPENSSL_AVAILABLE) {
			const file = pki.certificateFile("acme-writer");
			const viaOpenssl = opensslX509Field(file, ["-fingerprint", "-sha256"], "sha256 Fingerprint");
			expect(reported).toBe(cloudflareFingerprint(viaOpenssl));
		}
	});

	it("reports the special subject escaped as OpenSSL's RFC 2253 form", async () => {
		const response = await call("/v1/whoami", { certificate: "acme-unicode" });
		const subjectDN = (JSON.parse(response.body) as { certificate: { subjectDN: string } })
			.certificate.subjectDN;

		expect(subjectDN).toContain("J\\C3\\BCrgen");
		expect(subjectDN).toContain('GmbH\\, \\"R&D\\" \\+ Ops\\;');
		if (OPENSSL_AVAILABLE) {
			const file = pki.certificateFile("acme-unicode");
			expect(subjectDN).toBe(
				opensslX509Field(file, ["-subject", "-nameopt", "RFC2253"], "subject"),
			);
		}
	});
});

describe("front door: client claims are not used", () => {
	const forgedBlob = async () => {
		const leaf = await pki.leaf("acme-writer");
		return JSON.stringify({
			tlsClientAuth: {
				certPresented: "1",
				certVerified: "SUCCESS",
				certRevoked: "0",
				certFingerprintSHA256: cloudflareFingerprint(leaf.fingerprint256),
			},
		});
	};

	it("MF-CF-Blob without a certificate: 401 client_certificate_missing", async () => {
		const response = await call("/v1/whoami", { headers: { "MF-CF-Blob": await forgedBlob() } });
		expectProblem(response, 401, "client_certificate_missing");
	});

	it("MF-CF-Blob beside another certificate: that certificate's identity", async () => {
		const response = await call("/v1/whoami", {
			certificate: "acme-reader",
			headers: { "mf-cf-blob": await forgedBlob() },
		});

		expect(response.status).toBe(200);
		expect(principalOf(response)).toBe("acme-order-reader");
	});

	it.each([
		["X-Forwarded-Client-Cert", 'Hash=abc;Subject="CN=acme-order-writer"'],
		["X-Forwarded-User", "acme-order-writer"],
		["X-SSL-Client-Verify", "SUCCESS"],
	])(
		"%s reaches the Worker and is rejected: 400 untrusted_identity_header",
		async (name, value) => {
			const response = await call("/v1/whoami", {
				certificate: "acme-writer",
				headers: { [name]: value },
			});
			expectProblem(response, 400, "untrusted_identity_header");
		},
	);
});

describe("front door: forwarding", () => {
	it("streams a chunked request body and returns Location", async () => {
		async function* chunks() {
			yield Buffer.from('{"sku":"front-door-');
			yield Buffer.from('widget","quantity":2}');
		}
		const created = await call("/v1/tenants/acme/orders", {
			certificate: "acme-writer",
			method: "POST",
			headers: { "content-type": "application/json" },
			body: chunks(),
		});
		expect(created.status).toBe(201);
		const order = JSON.parse(created.body) as { id: string; sku: string; createdBy: string };
		expect(order.sku).toBe("front-door-widget");
		expect(order.createdBy).toBe("acme-order-writer");
		expect(created.headers.get("location")).toBe(`/v1/tenants/acme/orders/${order.id}`);

		const readBack = await call(`/v1/tenants/acme/orders/${order.id}?view=full`, {
			certificate: "acme-reader",
		});
		expect(readBack.status).toBe(200);
		expect(JSON.parse(readBack.body)).toStrictEqual(order);

		const otherTenant = await call(`/v1/tenants/globex/orders/${order.id}`, {
			certificate: "globex-writer",
		});
		expectProblem(otherTenant, 404, "not_found");
	});

	it.each([
		[65_537, 413, "payload_too_large"],
		[65_536, 400, "invalid_request"],
	])("streams a %i-byte body to the Worker's size limit: %i %s", async (size, status, code) => {
		const prefix = '{"sku":"x","quantity":1,"note":"';
		const suffix = '"}';
		const body = Buffer.from(
			`${prefix}${"x".repeat(size - prefix.length - suffix.length)}${suffix}`,
		);
		expect(body.length).toBe(size);

		async function* chunks() {
			for (let offset = 0; offset < body.length; offset += 16 * 1024) {
				yield body.subarray(offset, offset + 16 * 1024);
			}
		}
		const response = await call("/v1/tenants/acme/orders", {
			certificate: "acme-writer",
			method: "POST",
			headers: { "content-type": "application/json" },
			body: chunks(),
		});
		expectProblem(response, status, code);
	});

	it("forwards the method: 405 with Allow", async () => {
		const response = await call("/v1/whoami", { certificate: "acme-writer", method: "DELETE" });

		expectProblem(response, 405, "method_not_allowed");
		expect(response.headers.get("allow")).toContain("GET");
	});

	it("forwards the tenant in the path: 403 tenant_mismatch", async () => {
		expectProblem(
			await call("/v1/tenants/acme/orders", { certificate: "globex-writer" }),
			403,
			"tenant_mismatch",
		);
	});

	it("answers 502 worker_unavailable when wrangler dev is down", async () => {
		const orphan = await frontDoorFor(`http://127.0.0.1:${await freePort()}`);
		try {
			const response = await new Promise<ClientResponse>((resolve, reject) => {
				const request = httpsRequest(
					{
						host: "127.0.0.1",
						port: orphan.port,
						servername: "localhost",
						path: "/v1/whoami",
						ca: serverCa,
						agent: false,
					},
					(incoming) => {
						let body = "";
						incoming.on("data", (chunk: Buffer) => {
							body += chunk.toString();
						});
						incoming.on("end", () =>
							resolve({ status: incoming.statusCode ?? 0, headers: new Headers(), body }),
						);
					},
				);
				request.on("error", reject);
				request.end();
			});

			expect(response.status).toBe(502);
			expect((JSON.parse(response.body) as { code: string }).code).toBe("worker_unavailable");
		} finally {
			await orphan.close();
		}
	});
});

describe("front door: protocol errors", () => {
	it("plain HTTP gets a readable 400", async () => {
		const raw = await new Promise<string>((resolve, reject) => {
			const socket = netConnect({ host: "127.0.0.1", port: frontDoor.port }, () => {
				socket.write("GET /v1/whoami HTTP/1.1\r\nHost: localhost\r\n\r\n");
			});
			let text = "";
			socket.on("data", (chunk: Buffer) => {
				text += chunk.toString();
			});
			socket.on("end", () => resolve(text));
			socket.on("error", reject);
			socket.setTimeout(10_000, () => socket.destroy(new Error("no answer to plain HTTP")));
		});

		expect(raw).toMatch(/^HTTP\/1\.1 400 /);
		expect(raw).toContain('"code":"https_required"');
		expect(raw).toContain(frontDoor.url);
	});

	it("TLS without SNI gets 421 sni_required", async () => {
		const response = await call("/v1/whoami", { certificate: "acme-writer", servername: false });
		expectProblem(response, 421, "sni_required");
	});
});

describe("front door: TLS sessions", () => {
	/** Opens a TLS connection and collects the session tickets the server sends. */
	async function open(
		certificate: string | undefined,
		maxVersion: "TLSv1.2" | "TLSv1.3",
		session?: Buffer,
	): Promise<{ socket: TLSSocket; sessions: Buffer[] }> {
		const credentials = await clientCredentials(certificate);
		const sessions: Buffer[] = [];

		const socket = await new Promise<TLSSocket>((resolve, reject) => {
			const tls = tlsConnect({
				host: "127.0.0.1",
				port: frontDoor.port,
				servername: "localhost",
				ca: serverCa,
				maxVersion,
				...credentials,
				...(session === undefined ? {} : { session }),
			});
			tls.on("session", (ticket: Buffer) => sessions.push(ticket));
			tls.once("secureConnect", () => resolve(tls));
			tls.once("error", reject);
		});
		return { socket, sessions };
	}

	it.each(["TLSv1.2", "TLSv1.3"] as const)(
		"%s: a second connection never inherits the first one's certificate",
		async (maxVersion) => {
			const first = await open("acme-writer", maxVersion);
			const firstResponse = await call("/v1/whoami", { socket: first.socket });
			expect(principalOf(firstResponse)).toBe("acme-order-writer");
			const session = first.sessions.at(-1) ?? first.socket.getSession();

			const second = await open("acme-reader", maxVersion, session);
			expect(second.socket.isSessionReused()).toBe(false);
			const secondResponse = await call("/v1/whoami", { socket: second.socket });
			expect(principalOf(secondResponse)).toBe("acme-order-reader");

			const third = await open(undefined, maxVersion, session);
			expect(third.socket.isSessionReused()).toBe(false);
			expectProblem(
				await call("/v1/whoami", { socket: third.socket }),
				401,
				"client_certificate_missing",
			);
		},
	);
});

function curl(args: readonly string[]): Promise<{ status: number; body: string }> {
	return new Promise((resolve, reject) => {
		execFile(
			"curl",
			[
				"--silent",
				"--show-error",
				"--resolve",
				`localhost:${frontDoor.port}:127.0.0.1`,
				"--cacert",
				pki.layout.serverCa,
				"--write-out",
				"\n%{http_code}",
				...args,
			],
			{ timeout: 30_000 },
			(error, stdout) => {
				if (error) {
					reject(error);
					return;
				}
				const cut = stdout.lastIndexOf("\n");
				resolve({ status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) });
			},
		);
	});
}

const CURL_AVAILABLE = await new Promise<boolean>((resolve) => {
	execFile("curl", ["--version"], { timeout: 10_000 }, (error) => resolve(error === null));
});

describe.skipIf(!CURL_AVAILABLE)("front door: curl", () => {
	const url = (path: string) => `https://localhost:${frontDoor.port}${path}`;
	const withCertificate = (name: string) => [
		"--cert",
		pki.certificateFile(name),
		"--key",
		pki.keyFile(name),
	];

	it.each([
		["acme-writer", "acme-order-writer"],
		["globex-writer", "globex-order-writer"],
		["globex-chained", "globex-edge-device"],
	])("%s: 200 as %s", async (name, principal) => {
		const response = await curl([...withCertificate(name), url("/v1/whoami")]);

		expect(response.status).toBe(200);
		expect((JSON.parse(response.body) as { principal: string }).principal).toBe(principal);
	});

	it.each([
		["expired", 401, "client_certificate_unverified"],
		["self-signed", 401, "client_certificate_unverified"],
		["untrusted-ca", 401, "client_certificate_unverified"],
		["revoked", 401, "client_certificate_revoked"],
		["acme-disabled", 403, "identity_disabled"],
	])("%s: %i %s", async (name, status, code) => {
		const response = await curl([...withCertificate(name), url("/v1/whoami")]);

		expect(response.status).toBe(status);
		expect((JSON.parse(response.body) as { code: string }).code).toBe(code);
	});

	it.each([
		["asterisk form", ["--request-target", "*", "-X", "OPTIONS"]],
		["absolute form", ["--request-target", "http://127.0.0.2:9/v1/whoami"]],
	])("%s request target: 400 invalid_request_target", async (_name, args) => {
		const response = await curl([...withCertificate("acme-writer"), ...args, url("/")]);

		expect(response.status).toBe(400);
		expect((JSON.parse(response.body) as { code: string }).code).toBe("invalid_request_target");
	});

	it.each([
		["asterisk form", ["--request-target", "*", "-X", "OPTIONS"]],
		["absolute form", ["--request-target", "http://127.0.0.2:9/v1/whoami"]],
	])("%s request target: 400 invalid_request_target", async (_name, args) => {
		const response = await curl([...withCertificate("acme-writer"), ...args, url("/")]);

		expect(response.status).toBe(400);
		expect((JSON.parse(response.body) as { code: string }).code).toBe("invalid_request_target");
	});

	it("no certificate: 401 client_certificate_missing", async () => {
		const response = await curl([url("/v1/whoami")]);

		expect(response.status).toBe(401);
		expect((JSON.parse(response.body) as { code: string }).code).toBe("client_certificate_missing");
	});

	it("POST as the acme writer: 201", async () => {
		const response = await curl([
			...withCertificate("acme-writer"),
			"--header",
			"content-type: application/json",
			"--data",
			'{"sku":"curl-widget","quantity":1}',
			url("/v1/tenants/acme/orders"),
		]);

		expect(response.status).toBe(201);
		expect((JSON.parse(response.body) as { tenantId: string }).tenantId).toBe("acme");
	});
});
