/**
 * Loads `dev/identities.json`, the declarative list of development identities:
 * which client certificate each one gets and the IDENTITIES record that maps
 * the certificate's fingerprint to it.
 */
import { readFileSync } from "node:fs";
import * as v from "valibot";
import {
	IDENTITY_RECORD_VERSION,
	type IdentityRecord,
	IdentityRecordSchema,
	IdentityStatusSchema,
	PrincipalSchema,
	ScopeSchema,
	TenantIdSchema,
	UtcTimestampSchema,
} from "../src/identity/record.ts";
import { CERTIFICATE_PROFILES } from "./pki/profiles.ts";

export const DEV_IDENTITIES_FILE = new URL("./identities.json", import.meta.url);

/** A certificate name is also a file name, so it stays within a safe alphabet. */
const CERTIFICATE_NAME_FORMAT = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Record fields that the seed copies from the generated certificate. */
export const PIN_FIELDS = ["issuerDN", "issuerSKI", "serial"] as const;
export type PinField = (typeof PIN_FIELDS)[number];

const CertificateFields = {
	certificate: v.pipe(v.string(), v.regex(CERTIFICATE_NAME_FORMAT, "invalid certificate name")),
	profile: v.optional(v.picklist(CERTIFICATE_PROFILES), "valid"),
	key: v.optional(v.picklist(["ec", "rsa"]), "ec"),
	principal: PrincipalSchema,
	tenantId: TenantIdSchema,
};

const DevIdentitySchema = v.strictObject({
	...CertificateFields,
	scopes: v.array(ScopeSchema),
	status: IdentityStatusSchema,
	expiresAt: v.optional(UtcTimestampSchema),
	pin: v.optional(v.array(v.picklist(PIN_FIELDS)), []),
});

const UnregisteredCertificateSchema = v.strictObject(CertificateFields);

const DevIdentitiesFileSchema = v.pipe(
	v.strictObject({
		$comment: v.optional(v.string()),
		identities: v.array(DevIdentitySchema),
		unregisteredCertificates: v.optional(v.array(UnregisteredCertificateSchema), []),
	}),
	v.check(
		(file) => hasUniqueCertificateNames([...file.identities, ...file.unregisteredCertificates]),
		"every certificate name must be unique",
	),
);

export type DevIdentity = v.InferOutput<typeof DevIdentitySchema>;
export type DevCertificateSpec = v.InferOutput<typeof UnregisteredCertificateSchema>;
export type DevIdentities = v.InferOutput<typeof DevIdentitiesFileSchema>;

/** Parses and validates the dev identities; throws with every issue's path and message. */
export function parseDevIdentities(text: string): DevIdentities {
	const result = v.safeParse(DevIdentitiesFileSchema, JSON.parse(text));
	if (result.success) {
		return result.output;
	}

	const issues = result.issues.map((issue) => {
		const path = v.getDotPath(issue) ?? "(root)";
		return `${path}: ${issue.message}`;
	});
	throw new Error(`invalid dev identities:\n  ${issues.join("\n  ")}`);
}

export function loadDevIdentities(file: URL | string = DEV_IDENTITIES_FILE): DevIdentities {
	return parseDevIdentities(readFileSync(file, "utf8"));
}

/** Every certificate the dev PKI must issue: identities first, then unregistered ones. */
export function certificateSpecs(identities: DevIdentities): DevCertificateSpec[] {
	return [...identities.identities, ...identities.unregisteredCertificates].map((entry) => ({
		certificate: entry.certificate,
		profile: entry.profile,
		key: entry.key,
		principal: entry.principal,
		tenantId: entry.tenantId,
	}));
}

/** Values of the pinnable fields, read from the identity's generated certificate. */
export type PinValues = Record<PinField, string>;

/**
 * Builds the IDENTITIES record of `identity` and validates it with the
 * Worker's own schema, so the seed cannot write a record the Worker rejects.
 */
export function toIdentityRecord(identity: DevIdentity, pins: PinValues): IdentityRecord {
	const record: Record<string, unknown> = {
		version: IDENTITY_RECORD_VERSION,
		principal: identity.principal,
		tenantId: identity.tenantId,
		scopes: identity.scopes,
		status: identity.status,
	};
	if (identity.expiresAt !== undefined) {
		record.expiresAt = identity.expiresAt;
	}
	for (const field of identity.pin) {
		record[field] = pins[field];
	}

	return v.parse(IdentityRecordSchema, record);
}

function hasUniqueCertificateNames(entries: readonly { certificate: string }[]): boolean {
	const names = entries.map((entry) => entry.certificate);
	return new Set(names).size === names.length;
}
