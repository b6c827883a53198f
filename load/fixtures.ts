/**
 * The identities the load run stores in local KV, and the certificate
 * metadata (`request.cf.tlsClientAuth`, in Cloudflare's documented format)
 * each caller presents.
 */
import { randomBytes } from "node:crypto";

export type Role =
	| "writer"
	| "reader"
	| "disabled"
	| "revoked"
	| "expired"
	| "issuerPinnedElsewhere"
	| "serialPinnedElsewhere"
	| "invalidRecord";

export interface Caller {
	readonly role: Role;
	readonly principal: string;
	readonly tenantId: string;
	readonly tlsClientAuth: Readonly<Record<string, string | boolean>>;
}

export const TENANTS = ["acme", "globex"] as const;

/**
 * Callers per role. Writers are many so that each principal stays far below
 * the per-identity limits (600 requests and 60 writes a minute) even at
 * thousands of requests a second.
 */
const CALLERS_PER_ROLE: Readonly<Record<Role, number>> = {
	writer: 2000,
	reader: 500,
	disabled: 50,
	revoked: 50,
	expired: 50,
	issuerPinnedElsewhere: 50,
	serialPinnedElsewhere: 50,
	invalidRecord: 50,
};

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAY_MS = 86_400_000;

/** OpenSSL's GMT time format, with a one-digit day padded by a space. */
export function certificateTime(epochMs: number): string {
	const date = new Date(epochMs);
	const day = String(date.getUTCDate()).padStart(2, " ");
	const time = [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]
		.map((part) => String(part).padStart(2, "0"))
		.join(":");
	return `${MONTHS[date.getUTCMonth()]} ${day} ${time} ${date.getUTCFullYear()} GMT`;
}

export function randomFingerprint(): string {
	return randomBytes(32).toString("hex");
}

const ISSUER_DN = "CN=Load Test Client CA,O=Load Test";
const ISSUER_SKI = "6A:1F:3B:90:4C:22:D1:07:8E:55:AB:19:C4:0D:F2:63:7B:E8:90:11";

/** Builds the metadata of a verified, unrevoked certificate valid from a year ago to a year ahead. */
export function certificate(fingerprint: string, serial: string, name: string, now: number) {
	return {
		certPresented: "1",
		certVerified: "SUCCESS",
		certRevoked: "0",
		certIssuerDN: ISSUER_DN,
		certSubjectDN: `CN=${name},O=Load Test`,
		certIssuerDNRFC2253: ISSUER_DN,
		certSubjectDNRFC2253: `CN=${name},O=Load Test`,
		certIssuerDNLegacy: "/O=Load Test/CN=Load Test Client CA",
		certSubjectDNLegacy: `/O=Load Test/CN=${name}`,
		certSerial: serial,
		certIssuerSerial: "01",
		certSKI: "11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF:00:11:22:33",
		certIssuerSKI: ISSUER_SKI,
		certFingerprintSHA1: fingerprint.slice(0, 40),
		certFingerprintSHA256: fingerprint,
		certNotBefore: certificateTime(now - 365 * DAY_MS),
		certNotAfter: certificateTime(now + 365 * DAY_MS),
		certRFC9440: "",
		certRFC9440TooLarge: false,
		certChainRFC9440: "",
		certChainRFC9440TooLarge: false,
	};
}

/** The KV value of a caller, by role: a valid record, or one that the Worker must reject. */
function recordFor(role: Role, principal: string, tenantId: string, serial: string): string {
	const record: Record<string, unknown> = {
		version: 1,
		principal,
		tenantId,
		scopes: role === "reader" ? ["orders:read"] : ["orders:read", "orders:write"],
		status: "active",
		issuerDN: ISSUER_DN,
		issuerSKI: ISSUER_SKI.replaceAll(":", ""),
		serial,
	};
	if (role === "disabled" || role === "revoked") {
		record.status = role;
	}
	if (role === "expired") {
		record.expiresAt = "2020-01-01T00:00:00Z";
	}
	if (role === "issuerPinnedElsewhere") {
		record.issuerDN = "CN=Another Client CA,O=Load Test";
	}
	if (role === "serialPinnedElsewhere") {
		record.serial = "7FFFFFFFFFFFFFFF";
	}
	if (role === "invalidRecord") {
		// An unknown key makes the record invalid: the Worker must fail closed with 500.
		record.role = "admin";
	}
	return JSON.stringify(record);
}

export interface Fixtures {
	readonly callers: ReadonlyMap<Role, readonly Caller[]>;
	/** Entries for `wrangler kv bulk put` into IDENTITIES. */
	readonly entries: readonly { readonly key: string; readonly value: string }[];
}

export function buildFixtures(runId: string, now: number): Fixtures {
	const callers = new Map<Role, Caller[]>();
	const entries: { key: string; value: string }[] = [];

	for (const [role, count] of Object.entries(CALLERS_PER_ROLE) as [Role, number][]) {
		const list: Caller[] = [];
		for (let index = 0; index < count; index += 1) {
			const fingerprint = randomFingerprint();
			const serial = `00${randomBytes(8).toString("hex").toUpperCase()}`;
			const principal = `load-${runId}-${role}-${index}`;
			const tenantId = TENANTS[index % TENANTS.length] as string;
			list.push({
				role,
				principal,
				tenantId,
				tlsClientAuth: certificate(fingerprint, serial, principal, now),
			});
			entries.push({
				key: `cert:sha256:${fingerprint}`,
				value: recordFor(role, principal, tenantId, serial),
			});
		}
		callers.set(role, list);
	}

	return { callers, entries };
}
