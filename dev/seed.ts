/**
 * `npm run seed`: writes one IDENTITIES record per dev identity into the local
 * KV that `wrangler dev` reads, keyed by the real fingerprint of the
 * identity's generated certificate.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { identityKey } from "../src/identity/record.ts";
import { tlsClientAuthFor } from "./front-door/tls-client-auth.ts";
import {
	DEV_IDENTITIES_FILE,
	type DevIdentity,
	parseDevIdentities,
	toIdentityRecord,
} from "./identities.ts";
import { clientFiles, DEFAULT_PKI_DIR, pkiLayout } from "./pki/layout.ts";
import * as x509 from "./pki/x509.ts";
import { runWrangler } from "./wrangler/run.ts";

export interface SeedEntry {
	key: string;
	value: string;
	identity: DevIdentity;
}

export interface SeedOptions {
	pkiDir?: string;
	/** Local state folder of `wrangler dev`; wrangler's default when omitted. */
	persistTo?: string;
	identitiesText?: string;
}

/** Builds the KV entries from the generated certificates; reads no KV. */
export async function buildSeedEntries(options: SeedOptions = {}): Promise<SeedEntry[]> {
	const identitiesText = options.identitiesText ?? (await readFile(DEV_IDENTITIES_FILE, "utf8"));
	const layout = pkiLayout(options.pkiDir ?? DEFAULT_PKI_DIR);
	const entries: SeedEntry[] = [];

	for (const identity of parseDevIdentities(identitiesText).identities) {
		const pem = await readFile(clientFiles(layout, identity.certificate).certificate, "utf8");
		const leaf = new Uint8Array(new x509.X509Certificate(pem).rawData);

		// The pins come from the same mapping the front door applies, so they match by construction.
		const fields = tlsClientAuthFor({
			leaf,
			intermediates: [],
			issuer: undefined,
			verificationError: undefined,
			revoked: false,
		});
		const record = toIdentityRecord(identity, {
			issuerDN: fields.certIssuerDNRFC2253,
			issuerSKI: fields.certIssuerSKI,
			serial: fields.certSerial,
		});

		entries.push({
			key: identityKey(fields.certFingerprintSHA256),
			value: JSON.stringify(record),
			identity,
		});
	}

	return entries;
}

/**
 * Writes the entries with `wrangler kv bulk put --local`. Records of earlier
 * certificate generations stay in KV: their certificates are gone, so they
 * match no client, and records added by hand are kept.
 */
export async function seedIdentities(options: SeedOptions = {}): Promise<SeedEntry[]> {
	const entries = await buildSeedEntries(options);
	const folder = await mkdtemp(join(tmpdir(), "mtls-seed-"));
	const bulkFile = join(folder, "identities.json");

	try {
		const bulk = entries.map(({ key, value }) => ({ key, value }));
		await writeFile(bulkFile, JSON.stringify(bulk));

		const args = ["kv", "bulk", "put", bulkFile, "--local", "--binding", "IDENTITIES"];
		if (options.persistTo !== undefined) {
			args.push("--persist-to", options.persistTo);
		}
		await runWrangler(args);
	} finally {
		await rm(folder, { recursive: true, force: true });
	}

	return entries;
}

async function main(): Promise<void> {
	const layout = pkiLayout();
	if (!existsSync(layout.manifest)) {
		throw new Error(`no dev PKI in ${layout.dir}: run \`npm run certs\` first`);
	}

	const entries = await seedIdentities();
	console.log(`Seeded ${entries.length} identities into the local IDENTITIES KV:`);
	for (const entry of entries) {
		const { principal, tenantId, status } = entry.identity;
		console.log(`  ${entry.key}  ${principal} (${tenantId}, ${status})`);
	}
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	main().catch((error: unknown) => {
		console.error(`Seeding the local IDENTITIES KV failed: ${(error as Error).message}`);
		process.exitCode = 1;
	});
}
