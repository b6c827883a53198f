import { X509Certificate } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDevIdentities } from "../../../dev/identities.ts";
import { staleReason } from "../../../dev/pki/manifest.ts";
import { OPENSSL_AVAILABLE, openssl } from "../support/openssl.ts";
import { cloudflareFingerprint, createTestPki, type TestPki } from "../support/pki.ts";

const NOW = new Date();
const identities = loadDevIdentities();
const registered = identities.identities.map((identity) => identity.certificate);
const allNames = [
	...registered,
	...identities.unregisteredCertificates.map((certificate) => certificate.certificate),
];

let pki: TestPki;
let clientCa: X509Certificate;
let untrustedCa: X509Certificate;

beforeAll(async () => {
	pki = await createTestPki(NOW);
	clientCa = new X509Certificate(await readFile(pki.layout.clientCa));
	untrustedCa = new X509Certificate(await readFile(pki.layout.untrustedCa));
});

afterAll(async () => {
	await pki.remove();
});

function profileOf(name: string): string {
	const entry = [...identities.identities, ...identities.unregisteredCertificates].find(
		(candidate) => candidate.certificate === name,
	);
	return entry?.profile ?? "missing";
}

describe("generateDevPki server certificate", () => {
	it("covers localhost and both loopback addresses", async () => {
		const server = new X509Certificate(await readFile(pki.layout.serverCertificate));

		expect(server.checkHost("localhost")).toBe("localhost");
		expect(server.checkIP("127.0.0.1")).toBe("127.0.0.1");
		expect(server.checkIP("::1")).toBe("::1");
		expect(server.keyUsage).toContain("1.3.6.1.5.5.7.3.1");
	});

	it("is signed by the server CA, not the client CA", async () => {
		const server = new X509Certificate(await readFile(pki.layout.serverCertificate));
		const serverCa = new X509Certificate(await readFile(pki.layout.serverCa));

		expect(server.verify(serverCa.publicKey)).toBe(true);
		expect(server.checkIssued(clientCa)).toBe(false);
		expect(serverCa.fingerprint256).not.toBe(clientCa.fingerprint256);
	});

	it("keeps private keys readable by the owner only", async () => {
		if (process.platform === "win32") {
			return;
		}
		const modes = [pki.layout.serverKey, pki.keyFile("acme-writer")].map(
			async (file) => (await stat(file)).mode & 0o777,
		);
		expect(await Promise.all(modes)).toStrictEqual([0o600, 0o600]);
	});
});

describe("generateDevPki client certificates", () => {
	it.each(allNames)("%s: is a TLS client certificate", async (name) => {
		const leaf = await pki.leaf(name);

		expect(leaf.ca).toBe(false);
		expect(leaf.keyUsage).toStrictEqual(["1.3.6.1.5.5.7.3.2"]);
	});

	it.each(allNames)("%s: validity and issuer match its profile", async (name) => {
		const [leaf, intermediate] = await pki.chain(name);
		if (leaf === undefined) {
			throw new Error(`no certificate for ${name}`);
		}
		const notBefore = Date.parse(leaf.validFrom);
		const notAfter = Date.parse(leaf.validTo);
		const profile = profileOf(name);

		switch (profile) {
			case "expired":
				expect(notAfter).toBeLessThan(NOW.getTime());
				expect(leaf.verify(clientCa.publicKey)).toBe(true);
				break;
			case "not-yet-valid":
				expect(notBefore).toBeGreaterThan(NOW.getTime());
				expect(leaf.verify(clientCa.publicKey)).toBe(true);
				break;
			case "self-signed":
				expect(leaf.subject).toBe(leaf.issuer);
				expect(leaf.verify(leaf.publicKey)).toBe(true);
				break;
			case "untrusted-ca":
				expect(leaf.verify(untrustedCa.publicKey)).toBe(true);
				expect(leaf.checkIssued(clientCa)).toBe(false);
				break;
			case "intermediate":
				expect(intermediate?.ca).toBe(true);
				expect(intermediate?.verify(clientCa.publicKey)).toBe(true);
				expect(intermediate).toBeDefined();
				if (intermediate !== undefined) {
					expect(leaf.verify(intermediate.publicKey)).toBe(true);
				}
				break;
			default:
				expect(notBefore).toBeLessThanOrEqual(NOW.getTime());
				expect(notAfter).toBeGreaterThan(NOW.getTime());
				expect(leaf.verify(clientCa.publicKey)).toBe(true);
		}
	});

	it("gives every certificate its own key and fingerprint", async () => {
		const leaves = await Promise.all(allNames.map((name) => pki.leaf(name)));

		expect(new Set(leaves.map((leaf) => leaf.fingerprint256)).size).toBe(allNames.length);
		expect(
			new Set(
				leaves.map((leaf) =>
					leaf.publicKey.export({ format: "der", type: "spki" }).toString("hex"),
				),
			).size,
		).toBe(allNames.length);
	});

	it("writes each certificate's real fingerprint to the manifest", async () => {
		const manifest = JSON.parse(await readFile(pki.layout.manifest, "utf8")) as {
			certificates: { name: string; fingerprintSHA256: string }[];
		};

		for (const name of allNames) {
			const leaf = await pki.leaf(name);
			const entry = manifest.certificates.find((certificate) => certificate.name === name);
			expect(entry?.fingerprintSHA256).toBe(cloudflareFingerprint(leaf.fingerprint256));
		}
	});

	it("gives the special subject non-ASCII text and every DN special", async () => {
		const leaf = await pki.leaf("acme-unicode");

		expect(leaf.subject).toMatch(/[^\x20-\x7e\n]/);
		for (const special of [",", "+", '"', "\\", ";", "="]) {
			expect(leaf.subject).toContain(special);
		}
	});
});

describe.skipIf(!OPENSSL_AVAILABLE)("generateDevPki checked by openssl verify", () => {
	function verify(name: string, extra: readonly string[] = []): string {
		const args = ["verify", "-CAfile", pki.layout.clientCa, "-purpose", "sslclient", ...extra];
		const [leafFile] = [pki.certificateFile(name)];
		const chain = profileOf(name) === "intermediate" ? ["-untrusted", leafFile] : [];
		try {
			return openssl([...args, ...chain, leafFile]);
		} catch (error) {
			return String((error as { stdout?: string; stderr?: string }).stderr ?? error);
		}
	}

	it.each(["acme-writer", "globex-writer", "globex-chained", "acme-unicode", "revoked"])(
		"%s verifies without CRL checks",
		(name) => {
			expect(verify(name)).toContain(": OK");
		},
	);

	it.each([
		["expired", "certificate has expired"],
		["not-yet-valid", "certificate is not yet valid"],
		["self-signed", "self-signed certificate"],
		["untrusted-ca", "unable to get local issuer certificate"],
	])("%s fails with %s", (name, reason) => {
		expect(verify(name)).toContain(reason);
	});

	it("revoked fails once the CRL is checked", () => {
		expect(verify("revoked", ["-crl_check", "-CRLfile", pki.layout.clientCrl])).toContain(
			"certificate revoked",
		);
		expect(verify("acme-writer", ["-crl_check", "-CRLfile", pki.layout.clientCrl])).toContain(
			": OK",
		);
	});
});

describe("staleReason", () => {
	it("accepts a fresh PKI for the same identities", async () => {
		const text = await readFile(new URL("../../../dev/identities.json", import.meta.url), "utf8");
		expect(staleReason(pki.layout, text, NOW)).toBeUndefined();
	});

	it("asks for new certificates when the identities change", async () => {
		const text = await readFile(new URL("../../../dev/identities.json", import.meta.url), "utf8");
		expect(staleReason(pki.layout, `${text} `, NOW)).toMatch(/identities\.json changed/);
	});

	it("asks for new certificates a week before they expire", async () => {
		const text = await readFile(new URL("../../../dev/identities.json", import.meta.url), "utf8");
		const later = new Date(NOW.getTime() + 360 * 24 * 60 * 60 * 1000);
		expect(staleReason(pki.layout, text, later)).toMatch(/expire/);
	});
});
