/**
 * The curl commands `npm start` prints: one per dev certificate, each with
 * the response the core gate gives it on `/v1/whoami`.
 */
import { relative } from "node:path";
import type { DevIdentities } from "./identities.ts";
import { clientFiles, type PkiLayout } from "./pki/layout.ts";
import type { CertificateProfile } from "./pki/profiles.ts";

export interface CurlCommand {
	certificate: string;
	description: string;
	expected: string;
	command: string;
}

/** Returns the Worker's response to `/v1/whoami` for a certificate profile and record status. */
export function expectedWhoamiOutcome(
	profile: CertificateProfile,
	status: "active" | "disabled" | "revoked" | undefined,
): string {
	switch (profile) {
		case "expired":
		case "not-yet-valid":
		case "self-signed":
		case "untrusted-ca":
			return "401 client_certificate_unverified";
		case "revoked":
			return "401 client_certificate_revoked";
		case "valid":
		case "intermediate":
		case "special-subject":
			break;
	}

	switch (status) {
		case undefined:
			return "403 identity_not_found";
		case "disabled":
			return "403 identity_disabled";
		case "revoked":
			return "403 identity_revoked";
		case "active":
			return "200";
	}
}

export function curlCommands(
	identities: DevIdentities,
	layout: PkiLayout,
	frontDoorUrl: string,
): CurlCommand[] {
	const entries = [
		...identities.identities.map((identity) => ({
			...identity,
			description: `${identity.principal} (${identity.tenantId}: ${identity.scopes.join(" ") || "no scopes"}, ${identity.status})`,
			status: identity.status,
		})),
		...identities.unregisteredCertificates.map((certificate) => ({
			...certificate,
			description: `${certificate.principal} (no IDENTITIES record)`,
			status: undefined,
		})),
	];

	return entries.map((entry) => {
		const files = clientFiles(layout, entry.certificate);
		const command = [
			"curl",
			"--cert",
			shellPath(files.certificate),
			"--key",
			shellPath(files.key),
			"--cacert",
			shellPath(layout.serverCa),
			`${frontDoorUrl}/v1/whoami`,
		].join(" ");

		return {
			certificate: entry.certificate,
			description: `${entry.description}, ${entry.profile} certificate`,
			expected: expectedWhoamiOutcome(entry.profile, entry.status),
			command,
		};
	});
}

/** Formats a path for a shell command: relative inside the working directory, quoted when needed. */
export function shellPath(path: string): string {
	const relativePath = relative(process.cwd(), path);
	const displayed = relativePath.startsWith("..") ? path : relativePath;
	return /^[\w./-]+$/.test(displayed) ? displayed : `'${displayed.replaceAll("'", "'\\''")}'`;
}
