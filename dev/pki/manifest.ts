/**
 * The manifest written beside the dev PKI. `npm start` reads it to decide
 * whether the certificates still fit `dev/identities.json` and the clock.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import * as v from "valibot";
import type { PkiLayout } from "./layout.ts";

const MANIFEST_VERSION = 1;

/** Regenerate this long before the first dev certificate expires, so a session never hits it. */
const RENEW_BEFORE_MS = 7 * 24 * 60 * 60 * 1000;

const ManifestSchema = v.strictObject({
	version: v.literal(MANIFEST_VERSION),
	generatedAt: v.string(),
	identitiesSha256: v.string(),
	/** Earliest `notAfter` among the CAs and the certificates meant to be valid. */
	validUntil: v.string(),
	certificates: v.array(
		v.strictObject({ name: v.string(), profile: v.string(), fingerprintSHA256: v.string() }),
	),
});

export type PkiManifest = v.InferOutput<typeof ManifestSchema>;

export function createManifest(
	fields: Omit<PkiManifest, "version" | "identitiesSha256">,
	identitiesText: string,
): PkiManifest {
	return { version: MANIFEST_VERSION, identitiesSha256: sha256(identitiesText), ...fields };
}

/**
 * Returns why the PKI under `layout` must be generated again, or `undefined`
 * when it is complete, matches `identitiesText` and stays valid for a week.
 */
export function staleReason(
	layout: PkiLayout,
	identitiesText: string,
	now: Date,
): string | undefined {
	if (!existsSync(layout.manifest)) {
		return "no dev PKI yet";
	}

	const parsed = v.safeParse(ManifestSchema, JSON.parse(readFileSync(layout.manifest, "utf8")));
	if (!parsed.success) {
		return `unreadable manifest ${layout.manifest}`;
	}

	const manifest = parsed.output;
	if (manifest.identitiesSha256 !== sha256(identitiesText)) {
		return "dev/identities.json changed since the certificates were generated";
	}
	if (Date.parse(manifest.validUntil) - now.getTime() < RENEW_BEFORE_MS) {
		return `dev certificates expire on ${manifest.validUntil}`;
	}

	for (const file of [
		layout.serverCa,
		layout.serverCertificate,
		layout.serverKey,
		layout.clientCa,
	]) {
		if (!existsSync(file)) {
			return `missing ${file}`;
		}
	}
	return undefined;
}

function sha256(text: string): string {
	return createHash("sha256").update(text).digest("hex");
}
