/**
 * A dev PKI generated once per test file into a temporary folder, so tests
 * never touch `.dev/pki` and never depend on an earlier `npm run certs`.
 */
import { X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateDevPki } from "../../../dev/pki/generate.ts";
import { clientFiles, type PkiLayout } from "../../../dev/pki/layout.ts";

export interface TestPki {
	layout: PkiLayout;
	/** PEM file of a client certificate by name (leaf first). */
	certificateFile(name: string): string;
	keyFile(name: string): string;
	/** The leaf of a client certificate file, parsed by Node. */
	leaf(name: string): Promise<X509Certificate>;
	/** Every certificate in a client certificate file, leaf first. */
	chain(name: string): Promise<X509Certificate[]>;
	remove(): Promise<void>;
}

export async function createTestPki(now?: Date): Promise<TestPki> {
	const root = await mkdtemp(join(tmpdir(), "mtls-test-pki-"));
	const layout = await generateDevPki({ dir: join(root, "pki"), ...(now ? { now } : {}) });

	const chain = async (name: string) => {
		const pem = await readFile(clientFiles(layout, name).certificate, "utf8");
		const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
		return blocks.map((block) => new X509Certificate(block));
	};

	return {
		layout,
		certificateFile: (name) => clientFiles(layout, name).certificate,
		keyFile: (name) => clientFiles(layout, name).key,
		leaf: async (name) => {
			const [leaf] = await chain(name);
			if (leaf === undefined) {
				throw new Error(`no certificate in ${name}`);
			}
			return leaf;
		},
		chain,
		remove: () => rm(root, { recursive: true, force: true }),
	};
}

/** Node's colon fingerprint in Cloudflare's form: lowercase hex, no colons. */
export function cloudflareFingerprint(nodeFingerprint: string): string {
	return nodeFingerprint.replaceAll(":", "").toLowerCase();
}
