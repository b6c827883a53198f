/** Pins copied from a certificate into its record, in the formats Cloudflare sends. */
import type { CertificateInfo } from "./certificate.ts";
import { UserError } from "./errors.ts";
import type { IdentityRecord } from "./records.ts";

export interface PinRequest {
	readonly issuerDN: boolean;
	readonly issuerSKI: boolean;
	readonly serial: boolean;
}

export type Pins = Pick<IdentityRecord, "issuerDN" | "issuerSKI" | "serial">;

/** Returns the requested pins: issuer DN as certIssuerDNRFC2253, issuer SKI as certIssuerSKI, serial as certSerial. */
export function pinsFrom(certificate: CertificateInfo, request: PinRequest): Pins {
	const pins: { issuerDN?: string; issuerSKI?: string; serial?: string } = {};

	if (request.issuerDN) {
		pins.issuerDN = certificate.issuerDN;
	}
	if (request.issuerSKI) {
		// The leaf's authority key identifier names the key that signed it, which
		// is the issuer's subject key identifier whenever the CA sets both.
		if (certificate.issuerKeyIdentifier === undefined) {
			throw new UserError(
				"the certificate has no authority key identifier extension, so its issuer's key " +
					"identifier is unknown and cannot be pinned; pin the issuer DN instead",
			);
		}
		pins.issuerSKI = certificate.issuerKeyIdentifier;
	}
	if (request.serial) {
		pins.serial = certificate.serial;
	}

	return pins;
}

/** Returns which pins a record carries, so a rotation can copy the same kinds from the new certificate. */
export function pinRequestOf(record: IdentityRecord): PinRequest {
	return {
		issuerDN: record.issuerDN !== undefined,
		issuerSKI: record.issuerSKI !== undefined,
		serial: record.serial !== undefined,
	};
}
