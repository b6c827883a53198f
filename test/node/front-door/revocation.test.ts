import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRevocationList } from "../../../dev/front-door/revocation.ts";
import { createTestPki, type TestPki } from "../support/pki.ts";

let pki: TestPki;
let crlPem: string;
let clientCaPem: string;

beforeAll(async () => {
	pki = await createTestPki();
	crlPem = await readFile(pki.layout.clientCrl, "utf8");
	clientCaPem = await readFile(pki.layout.clientCa, "utf8");
});

afterAll(async () => {
	await pki.remove();
});

describe("loadRevocationList", () => {
	it("marks the revoked dev certificate revoked", async () => {
		const list = await loadRevocationList([crlPem], [clientCaPem]);
		const leaf = await pki.leaf("revoked");

		expect(list.isRevoked(new Uint8Array(leaf.raw))).toBe(true);
	});

	it.each(["acme-writer", "expired", "self-signed", "untrusted-ca", "globex-chained"])(
		"does not mark %s revoked",
		async (name) => {
			const list = await loadRevocationList([crlPem], [clientCaPem]);
			const leaf = await pki.leaf(name);

			expect(list.isRevoked(new Uint8Array(leaf.raw))).toBe(false);
		},
	);

	it("rejects a CRL that no trusted CA signed", async () => {
		const untrustedCaPem = await readFile(pki.layout.untrustedCa, "utf8");

		await expect(loadRevocationList([crlPem], [untrustedCaPem])).rejects.toThrow(
			/not signed by a trusted client CA/,
		);
	});

	it("rejects a CRL whose signature was altered", async () => {
		const der = Buffer.from(crlPem.replace(/-----[A-Z0-9 ]+-----|\s/g, ""), "base64");
		der[der.length - 2] = (der[der.length - 2] ?? 0) ^ 0xff;
		const tampered = `-----BEGIN X509 CRL-----\n${der.toString("base64")}\n-----END X509 CRL-----\n`;

		await expect(loadRevocationList([tampered], [clientCaPem])).rejects.toThrow();
	});
});
