/**
 * Step 3b: decide whether a found identity may act for this certificate now.
 * Pure: the record's status, its expiry and its optional pins against the
 * certificate that passed step 1.
 */

import { allow, deny, type Result } from "../http/problems.ts";
import type { ClientCertificate } from "../mtls/clientCertificate.ts";
import type { Identity } from "./identity.ts";
import { normalizeKeyIdentifier, normalizeSerial } from "./record.ts";

export function authorizeIdentity(
	identity: Identity,
	certificate: ClientCertificate,
	now: number,
): Result<Identity> {
	if (identity.status === "revoked") {
		return deny({ code: "identity_revoked" });
	}
	if (identity.status !== "active") {
		return deny({ code: "identity_disabled" });
	}

	if (identity.expiresAtMs !== undefined && now > identity.expiresAtMs) {
		return deny({ code: "identity_expired" });
	}

	// A verified certificate proves only that some CA associated with the
	// hostname signed it; the pins narrow that to the expected CA and serial.
	const { pins } = identity;
	if (pins.issuerDN !== undefined && pins.issuerDN !== certificate.issuerDN) {
		return deny({ code: "issuer_mismatch" });
	}
	if (
		pins.issuerSKI !== undefined &&
		pins.issuerSKI !== normalizeKeyIdentifier(certificate.issuerSKI)
	) {
		return deny({ code: "issuer_mismatch" });
	}
	if (pins.serial !== undefined && !serialMatches(pins.serial, certificate.serial)) {
		return deny({ code: "serial_mismatch" });
	}

	return allow(identity);
}

/** Compares hex serials as unsigned integers; a certificate serial that is not hex never matches. */
function serialMatches(pinnedSerial: string, certificateSerial: string): boolean {
	if (!HEX.test(certificateSerial)) {
		return false;
	}

	return pinnedSerial === normalizeSerial(certificateSerial);
}

const HEX = /^[0-9A-Fa-f]+$/;
