/**
 * Sends a generated request through the Worker's real `fetch` entry point and
 * checks the response against the oracle: the status and problem code, the
 * body of an allowed response, and that no body echoes certificate contents
 * or stored identity values.
 */
import { exports } from "cloudflare:workers";
import { parseCertificateTime, type Verdict } from "./oracle.ts";
import type { GeneratedRequest } from "./request.ts";
import type { StoredIdentity, World } from "./world.ts";

/** Tallies of what the runs of one property saw, to show that both sides were exercised. */
export class Tally {
	allowed = 0;
	denied = 0;
	rateLimited = 0;
	/** 2xx responses to requests the oracle denies, counting fast-check's shrinking reruns. */
	falseAccepts = 0;
	readonly codes = new Map<string, number>();

	count(status: number, code: string | null): void {
		if (status === 429) {
			this.rateLimited += 1;
		} else if (status < 300) {
			this.allowed += 1;
		} else {
			this.denied += 1;
		}
		const key = `${status} ${code ?? ""}`.trim();
		this.codes.set(key, (this.codes.get(key) ?? 0) + 1);
	}

	get total(): number {
		return this.allowed + this.denied + this.rateLimited;
	}

	summary(name: string): string {
		const codes = [...this.codes.entries()]
			.sort((a, b) => b[1] - a[1])
			.map(([key, count]) => `${key}: ${count}`);
		return `${name}: ${this.total} requests, ${this.allowed} allowed, ${this.denied} denied, ${this.rateLimited} rate limited, ${this.falseAccepts} false accepts (${codes.join(", ")})`;
	}
}

export function send(request: GeneratedRequest): Promise<Response> {
	const headers = new Headers();
	for (const [name, value] of request.headers) {
		headers.append(name, value);
	}

	const init: RequestInit = { method: request.method, headers };
	const { body } = request;
	if (body !== null) {
		if (body.contentType !== null) {
			headers.set("content-type", body.contentType);
		}
		init.body = "text" in body ? body.text : Uint8Array.from(body.bytes);
	}
	if (request.cf !== undefined) {
		init.cf = request.cf as IncomingRequestCfProperties;
	}

	return exports.default.fetch(new Request(`https://api.example.com${request.path}`, init));
}

/** Thrown for a 2xx the oracle denies: the most serious failure. */
export class FalseAccept extends Error {
	override readonly name = "FalseAccept";
}

/** Values that must never appear in a body, except whoami's certificate metadata for the caller. */
function secretsOf(request: GeneratedRequest, stored: StoredIdentity | undefined): string[] {
	const secrets: string[] = [];
	const auth = request.cf?.tlsClientAuth;
	if (typeof auth === "object" && auth !== null) {
		for (const value of Object.values(auth)) {
			if (typeof value === "string") {
				secrets.push(value);
			}
		}
	}

	if (stored?.kind === "valid") {
		const { issuerDN, issuerSKI, serial } = stored.record;
		secrets.push(...[issuerDN, issuerSKI, serial].filter((value) => value !== undefined));
	}
	if (stored?.kind === "invalid") {
		secrets.push(stored.text);
	}

	// Short values ("1", "SUCCESS") also occur in fixed texts; 10 characters and more are specific.
	return secrets.filter((secret) => secret.length >= 10);
}

function assertNoSecrets(text: string, secrets: readonly string[], where: string): void {
	for (const secret of secrets) {
		if (text.includes(secret)) {
			throw new Error(
				`${where} echoes a certificate or identity value: ${JSON.stringify(secret.slice(0, 40))}`,
			);
		}
	}
}

function fail(message: string, request: GeneratedRequest, status: number, text: string): never {
	throw new Error(
		`${message}\n  request: ${request.method} ${request.path}\n  response: ${status} ${text.slice(0, 300)}`,
	);
}

export async function checkResponse(
	request: GeneratedRequest,
	verdict: Verdict,
	response: Response,
	world: World,
	tally: Tally,
): Promise<void> {
	const text = await response.text();
	const { status } = response;
	const { expected } = verdict;

	for (const [name, value] of [
		["cache-control", "no-store"],
		["x-content-type-options", "nosniff"],
	]) {
		if (response.headers.get(name as string) !== value) {
			fail(`missing ${name}: ${value}`, request, status, text);
		}
	}

	const fingerprint = (request.cf?.tlsClientAuth as Record<string, unknown> | undefined)
		?.certFingerprintSHA256;
	const stored = typeof fingerprint === "string" ? world.identities.get(fingerprint) : undefined;
	const secrets = secretsOf(request, stored);

	if (status >= 200 && status < 300) {
		if (expected.outcome !== "allow") {
			tally.falseAccepts += 1;
			throw new FalseAccept(
				`false accept: expected ${expected.status} ${expected.code}, got ${status}\n  request: ${request.method} ${request.path}\n  body: ${text.slice(0, 300)}`,
			);
		}
		if (status !== expected.status) {
			fail(`expected ${expected.status} for ${expected.route}`, request, status, text);
		}
		checkAllowedBody(
			expected,
			JSON.parse(text) as Record<string, unknown>,
			response,
			world,
			secrets,
			request,
		);
		tally.count(status, null);
		return;
	}

	const problem = parseProblem(text);
	if (
		problem === undefined ||
		response.headers.get("content-type") !== "application/problem+json"
	) {
		fail("a denial must be an RFC 9457 problem", request, status, text);
	}
	assertNoSecrets(
		text,
		stored?.kind === "valid" ? [...secrets, stored.record.principal] : secrets,
		"a problem body",
	);
	if (problem.status !== status || problem.requestId !== response.headers.get("x-request-id")) {
		fail("problem status or requestId differs from the response", request, status, text);
	}

	if (status === 429) {
		if (
			!verdict.rateLimitable ||
			problem.code !== "rate_limited" ||
			response.headers.get("retry-after") === null
		) {
			fail(
				"429 before any limiter applies, or without rate_limited and Retry-After",
				request,
				status,
				text,
			);
		}
		tally.count(status, problem.code);
		return;
	}

	if (expected.outcome === "allow") {
		fail(`false reject: expected ${expected.status} for ${expected.route}`, request, status, text);
	}
	if (status !== expected.status || problem.code !== expected.code) {
		fail(`wrong denial: expected ${expected.status} ${expected.code}`, request, status, text);
	}
	tally.count(status, problem.code);
}

interface Problem {
	readonly status: number;
	readonly code: string;
	readonly requestId: string;
}

const PROBLEM_KEYS = ["type", "title", "status", "detail", "code", "requestId"];

function parseProblem(text: string): Problem | undefined {
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		return undefined;
	}
	if (typeof body !== "object" || body === null) {
		return undefined;
	}

	const keys = Object.keys(body).filter((key) => key !== "errors");
	const complete =
		keys.length === PROBLEM_KEYS.length && PROBLEM_KEYS.every((key) => keys.includes(key));
	return complete ? (body as Problem) : undefined;
}

function checkAllowedBody(
	expected: Extract<Verdict["expected"], { outcome: "allow" }>,
	body: Record<string, unknown>,
	response: Response,
	world: World,
	secrets: readonly string[],
	request: GeneratedRequest,
): void {
	const { record, certificate } = expected;
	const status = response.status;
	const text = JSON.stringify(body);
	const mismatch = (what: string) =>
		fail(`allowed ${expected.route} body: ${what}`, request, status, text);

	switch (expected.route) {
		case "whoami": {
			const { certificate: metadata, ...identity } = body;
			const expectedMetadata = {
				fingerprintSHA256: certificate.certFingerprintSHA256,
				serial: certificate.certSerial,
				subjectDN: certificate.certSubjectDNRFC2253,
				issuerDN: certificate.certIssuerDNRFC2253,
				notBefore: isoTime(certificate.certNotBefore as string),
				notAfter: isoTime(certificate.certNotAfter as string),
			};
			if (JSON.stringify(metadata) !== JSON.stringify(expectedMetadata)) {
				mismatch("certificate metadata differs from the caller's certificate");
			}
			const expectedIdentity = {
				principal: record.principal,
				tenantId: record.tenantId,
				scopes: record.scopes,
			};
			if (JSON.stringify(identity) !== JSON.stringify(expectedIdentity)) {
				mismatch("identity differs from the stored record");
			}
			assertNoSecrets(JSON.stringify(identity), secrets, "whoami outside its certificate metadata");
			return;
		}

		case "listOrders": {
			const orders = body.orders as Record<string, unknown>[];
			const foreign = orders.filter(
				(order) => order.tenantId !== record.tenantId || isForeignPlant(world, order.id),
			);
			if (foreign.length > 0) {
				mismatch("lists another tenant's order");
			}
			assertNoSecrets(text, secrets, "an order list");
			return;
		}

		case "getOrder": {
			const planted = world.orders.get(expected.orderId ?? "");
			if (JSON.stringify(body) !== JSON.stringify(planted?.value)) {
				mismatch("differs from the planted order");
			}
			return;
		}

		case "createOrder": {
			const sent = expected.body ?? {};
			const { id, tenantId, createdBy, createdAt, ...fields } = body;
			const location = response.headers.get("location");
			if (tenantId !== record.tenantId || createdBy !== record.principal) {
				mismatch("tenant or author not taken from the identity");
			}
			if (JSON.stringify(fields) !== JSON.stringify(sent)) {
				mismatch("stored fields differ from the body");
			}
			if (
				typeof createdAt !== "string" ||
				location !== `/v1/tenants/${record.tenantId}/orders/${id}`
			) {
				mismatch("missing createdAt or wrong Location");
			}
			assertNoSecrets(text, secrets, "a created order");
			return;
		}
	}
}

/** True for an order planted under one tenant's key that names another tenant. */
function isForeignPlant(world: World, id: unknown): boolean {
	const planted = world.orders.get(String(id));
	return planted !== undefined && planted.keyTenant !== planted.valueTenant;
}

function isoTime(text: string): string {
	const time = parseCertificateTime(text);
	return time === undefined ? "" : new Date(time).toISOString();
}
