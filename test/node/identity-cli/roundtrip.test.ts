/**
 * Round trip through real local KV. The CLI writes a record with wrangler, and
 * `wrangler dev` serves the Worker from the same storage directory. A request
 * carries the certificate's metadata in the MF-CF-Blob header, which the local
 * runtime reads as `request.cf`, and is authorized as the principal. After
 * `disable` the Worker responds with 403 identity_disabled.
 *
 * The identity cache TTL is set to 0 with `--var`, so the test need not wait
 * for the cache. Every port is a free loopback port picked at start.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	CA_NAME_RFC2253,
	createCa,
	createLeaf,
	makeTempDir,
	subjectKeyIdentifierOf,
	writeFixture,
} from "./certificates.ts";
import { PROJECT_ROOT, runCli } from "./cliProcess.ts";

/** Upper bounds, so a hung server or wrangler fails the test instead of stalling it. */
const SERVER_START_TIMEOUT_MS = 45_000;
const SERVER_LIFETIME_SECONDS = 150;
const DISABLE_VISIBLE_TIMEOUT_MS = 15_000;

const QUIET_WRANGLER_ENV = {
	...process.env,
	WRANGLER_HIDE_BANNER: "true",
	WRANGLER_SEND_METRICS: "false",
	// Stops the local runtime from trying to download Cloudflare's cf.json at start.
	CLOUDFLARE_CF_FETCH_ENABLED: "false",
};

function freeLoopbackPort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once("error", reject);
		server.listen(0, "127.0.0.1", () => {
			const address = server.address();
			server.close(() =>
				typeof address === "object" && address !== null
					? resolve(address.port)
					: reject(new Error("no port")),
			);
		});
	});
}

function wranglerBin(): string {
	const manifest = createRequire(import.meta.url).resolve("wrangler/package.json");
	return join(dirname(manifest), "bin/wrangler.js");
}

/** OpenSSL's time format, as Cloudflare sends certNotBefore and certNotAfter: "Dec 22 19:39:00 2018 GMT". */
function opensslTime(date: Date): string {
	const month = date.toLocaleString("en-US", { month: "short", timeZone: "UTC" });
	const day = String(date.getUTCDate()).padStart(2, " ");
	const time = date.toISOString().slice(11, 19);
	return `${month} ${day} ${time} ${date.getUTCFullYear()} GMT`;
}

function base64(der: Uint8Array): string {
	return Buffer.from(der).toString("base64");
}

let directory: string;
let persistDir: string;
let certPath: string;
let tlsClientAuth: Record<string, unknown>;
let server: ChildProcess | undefined;
let serverLog = "";
let baseUrl: string;

beforeAll(async () => {
	directory = await makeTempDir("identity-cli-roundtrip-");
	persistDir = join(directory, "state");

	// Valid from yesterday for 30 days, so the Worker's validity check passes today.
	const now = Date.now();
	const ca = await createCa();
	const leaf = await createLeaf(ca, {
		commonName: "svc-roundtrip",
		serialNumber: "9a0b1c2d3e4f",
		notBefore: new Date(Math.floor(now / 1000) * 1000 - 86_400_000),
		notAfter: new Date(Math.floor(now / 1000) * 1000 + 30 * 86_400_000),
	});
	certPath = await writeFixture(directory, "roundtrip.pem", leaf.pem);

	// The pinned values come from Node's X509Certificate, @peculiar/x509 and
	// openssl's output (CA_NAME_RFC2253), not from the CLI, so the Worker
	// compares the CLI's pins with independently computed values.
	const certificate = new X509Certificate(leaf.der);
	const caCertificate = new X509Certificate(ca.der);
	tlsClientAuth = {
		certPresented: "1",
		certVerified: "SUCCESS",
		certRevoked: "0",
		certIssuerDN: "CN=#1 Test CA,O=Zürich,OU=Ops+Dev,O=Acme\\, Inc.,C=US",
		certSubjectDN: "CN=svc-roundtrip",
		certIssuerDNRFC2253: CA_NAME_RFC2253,
		certSubjectDNRFC2253: "CN=svc-roundtrip",
		certIssuerDNLegacy: "/C=US/O=Acme, Inc./O=Zürich/OU=Ops+Dev/CN=#1 Test CA ",
		certSubjectDNLegacy: "/CN=svc-roundtrip",
		certSerial: certificate.serialNumber,
		certIssuerSerial: caCertificate.serialNumber,
		certSKI: "",
		certIssuerSKI: subjectKeyIdentifierOf(ca.der).toUpperCase(),
		certFingerprintSHA1: createHash("sha1").update(leaf.der).digest("hex"),
		certFingerprintSHA256: createHash("sha256").update(leaf.der).digest("hex"),
		certNotBefore: opensslTime(certificate.validFromDate),
		certNotAfter: opensslTime(certificate.validToDate),
		certRFC9440: `:${base64(leaf.der)}:`,
		certRFC9440TooLarge: false,
		certChainRFC9440: "",
		certChainRFC9440TooLarge: false,
	};

	// The CLI writes before the server starts, as an operator would on a fresh clone.
	const added = await runCli(
		[
			"add",
			"--cert",
			certPath,
			"--principal",
			"svc-roundtrip",
			"--tenant",
			"acme",
			"--scope",
			"orders:read",
			"--pin-issuer",
			"--pin-issuer-ski",
			"--pin-serial",
			"--persist-to",
			persistDir,
		],
		QUIET_WRANGLER_ENV,
	);
	expect(added.stderr).toBe("");
	expect(added.code).toBe(0);

	const port = await freeLoopbackPort();
	const inspectorPort = await freeLoopbackPort();
	baseUrl = `http://127.0.0.1:${port}`;

	// `timeout` stops the server even if this process dies before afterAll runs.
	server = spawn(
		"timeout",
		[
			"--kill-after=5",
			String(SERVER_LIFETIME_SECONDS),
			process.execPath,
			wranglerBin(),
			"dev",
			"--ip",
			"127.0.0.1",
			"--port",
			String(port),
			"--inspector-ip",
			"127.0.0.1",
			"--inspector-port",
			String(inspectorPort),
			"--persist-to",
			persistDir,
			"--var",
			"IDENTITY_CACHE_TTL_SECONDS:0",
			"--show-interactive-dev-session=false",
			"--log-level",
			"warn",
		],
		{
			cwd: PROJECT_ROOT,
			env: QUIET_WRANGLER_ENV,
			stdio: ["ignore", "pipe", "pipe"],
			detached: true,
		},
	);
	server.stdout?.on("data", (chunk: Buffer) => {
		serverLog += chunk.toString("utf8");
	});
	server.stderr?.on("data", (chunk: Buffer) => {
		serverLog += chunk.toString("utf8");
	});

	await waitForServer();
}, 90_000);

afterAll(async () => {
	if (server?.pid !== undefined && server.exitCode === null) {
		const exited = new Promise((resolve) => server?.once("exit", resolve));
		// The negative pid signals the server's whole process group: wrangler and workerd.
		process.kill(-server.pid, "SIGTERM");
		await exited;
	}
	await rm(directory, { recursive: true, force: true });
}, 20_000);

async function waitForServer(): Promise<void> {
	const deadline = Date.now() + SERVER_START_TIMEOUT_MS;
	while (Date.now() < deadline) {
		if (server?.exitCode !== null) {
			throw new Error(`wrangler dev exited with ${server?.exitCode}:\n${serverLog}`);
		}
		try {
			await fetch(`${baseUrl}/v1/whoami`, { signal: AbortSignal.timeout(2_000) });
			return;
		} catch {
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}
	throw new Error(
		`wrangler dev did not respond within ${SERVER_START_TIMEOUT_MS} ms:\n${serverLog}`,
	);
}

function whoami(): Promise<Response> {
	return fetch(`${baseUrl}/v1/whoami`, {
		headers: { "MF-CF-Blob": JSON.stringify({ tlsClientAuth }) },
		signal: AbortSignal.timeout(10_000),
	});
}

describe("identity CLI round trip through wrangler dev", () => {
	it("show prints the added record", async () => {
		const showOutcome = await runCli(
			["show", "--cert", certPath, "--persist-to", persistDir, "--json"],
			QUIET_WRANGLER_ENV,
		);
		expect(showOutcome.code).toBe(0);
		expect(JSON.parse(showOutcome.stdout).record).toMatchObject({
			principal: "svc-roundtrip",
			tenantId: "acme",
			status: "active",
		});
	});

	it("Worker authorizes the certificate as principal", async () => {
		const response = await whoami();
		const body = (await response.json()) as Record<string, unknown>;
		expect({ status: response.status, body }).toMatchObject({
			status: 200,
			body: { principal: "svc-roundtrip", tenantId: "acme", scopes: ["orders:read"] },
		});
	});

	it("Worker denies with identity_disabled after disable", async () => {
		const disabled = await runCli(
			["disable", "--cert", certPath, "--persist-to", persistDir],
			QUIET_WRANGLER_ENV,
		);
		expect(disabled.code).toBe(0);
		expect(disabled.stdout).toContain("SSL/TLS > Client Certificates");

		// Local KV has no propagation delay and the cache TTL is 0, so the change
		// is visible on the next request. The loop only absorbs scheduling noise.
		const deadline = Date.now() + DISABLE_VISIBLE_TIMEOUT_MS;
		let last: { status: number; body: Record<string, unknown> } = { status: 0, body: {} };
		while (Date.now() < deadline) {
			const response = await whoami();
			last = { status: response.status, body: (await response.json()) as Record<string, unknown> };
			if (last.status !== 200) break;
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		expect(last).toMatchObject({ status: 403, body: { code: "identity_disabled" } });
	});
});
