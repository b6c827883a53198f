import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	loadDevIdentities,
	parseDevIdentities,
	toIdentityRecord,
} from "../../../dev/identities.ts";
import { buildSeedEntries } from "../../../dev/seed.ts";
import { IdentityRecordSchema, identityKey } from "../../../src/identity/record.ts";
import { cloudflareFingerprint, createTestPki, type TestPki } from "../support/pki.ts";

const identities = loadDevIdentities();

function identity(certificate: string) {
	const found = identities.identities.find((entry) => entry.certificate === certificate);
	if (found === undefined) {
		throw new Error(`dev/identities.json has no ${certificate}`);
	}
	return found;
}

describe("dev/identities.json", () => {
	it("covers two tenants at least", () => {
		const tenants = new Set(identities.identities.map((entry) => entry.tenantId));
		expect(tenants).toContain("acme");
		expect(tenants).toContain("globex");
	});

	it("has the identities the docs and tests name", () => {
		expect(identity("acme-writer").scopes).toStrictEqual(["orders:read", "orders:write"]);
		expect(identity("acme-reader").scopes).toStrictEqual(["orders:read"]);
		expect(identity("globex-writer").scopes).toContain("orders:write");
		expect(identity("acme-disabled").status).toBe("disabled");
		expect(identity("globex-pinned").pin).toContain("issuerDN");
	});

	it("has one certificate per failing profile", () => {
		const profiles = identities.identities.map((entry) => entry.profile);
		for (const profile of [
			"expired",
			"not-yet-valid",
			"self-signed",
			"untrusted-ca",
			"revoked",
			"special-subject",
		]) {
			expect(profiles).toContain(profile);
		}
	});
});

describe("parseDevIdentities", () => {
	const base = {
		certificate: "x",
		principal: "svc",
		tenantId: "acme",
		scopes: ["orders:read"],
		status: "active",
	};

	it.each([
		["an unknown key", { ...base, scope: ["orders:read"] }],
		["a bad tenant id", { ...base, tenantId: "Acme" }],
		["an unknown profile", { ...base, profile: "weird" }],
		["an unknown pin", { ...base, pin: ["subjectDN"] }],
		["a path in the certificate name", { ...base, certificate: "../x" }],
	])("rejects %s", (_case, entry) => {
		expect(() => parseDevIdentities(JSON.stringify({ identities: [entry] }))).toThrow(
			/invalid dev identities/,
		);
	});

	it("rejects duplicate certificate names", () => {
		const text = JSON.stringify({ identities: [base, { ...base, principal: "other" }] });
		expect(() => parseDevIdentities(text)).toThrow(/unique/);
	});

	it("builds a record the Worker's schema accepts", () => {
		const parsed = parseDevIdentities(
			JSON.stringify({ identities: [{ ...base, pin: ["serial"] }] }),
		);
		const [entry] = parsed.identities;
		if (entry === undefined) {
			throw new Error("no entry");
		}
		const record = toIdentityRecord(entry, {
			issuerDN: "CN=x",
			issuerSKI: "AB:CD",
			serial: "00FF",
		});

		expect(record).toStrictEqual({
			version: 1,
			principal: "svc",
			tenantId: "acme",
			scopes: ["orders:read"],
			status: "active",
			serial: "00FF",
		});
	});
});

describe("buildSeedEntries", () => {
	let pki: TestPki;

	beforeAll(async () => {
		pki = await createTestPki();
	});

	afterAll(async () => {
		await pki.remove();
	});

	it("keys every identity by its certificate's real fingerprint", async () => {
		const entries = await buildSeedEntries({ pkiDir: pki.layout.dir });

		expect(entries.length).toBe(identities.identities.length);
		for (const entry of entries) {
			const leaf = await pki.leaf(entry.identity.certificate);
			expect(entry.key).toBe(identityKey(cloudflareFingerprint(leaf.fingerprint256)));
			expect(v.safeParse(IdentityRecordSchema, JSON.parse(entry.value)).success).toBe(true);
		}
	});

	it("fills pins from the generated certificate", async () => {
		const entries = await buildSeedEntries({ pkiDir: pki.layout.dir });
		const pinned = entries.find((entry) => entry.identity.certificate === "globex-pinned");
		const leaf = await pki.leaf("globex-pinned");
		const record = JSON.parse(pinned?.value ?? "{}") as Record<string, string>;

		expect(record.issuerDN).toBe(leaf.issuer.split("\n").reverse().join(","));
		expect(record.serial?.replace(/^00/, "")).toBe(leaf.serialNumber);
		expect(record.issuerSKI).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2}){19}$/);
	});

	it("writes no record for unregistered certificates", async () => {
		const entries = await buildSeedEntries({ pkiDir: pki.layout.dir });
		const leaf = await pki.leaf("unregistered");

		expect(entries.map((entry) => entry.key)).not.toContain(
			identityKey(cloudflareFingerprint(leaf.fingerprint256)),
		);
	});
});
