/**
 * The source of `certRevoked`: CRLs of the trusted client CAs. They are read
 * by the front door itself and not handed to TLS, because Cloudflare reports a
 * revoked certificate as verified (`certVerified: "SUCCESS"`) with
 * `certRevoked: "1"`, while OpenSSL would fail the handshake's verification.
 */
import * as x509 from "../pki/x509.ts";
import { readChildren, readElement, TAG_INTEGER, toUpperHex } from "../x509/der.ts";
import { readCertificateFields } from "./certificate-fields.ts";

export interface RevocationList {
	isRevoked(leafDer: Uint8Array): boolean;
}

/**
 * Loads CRLs in PEM that are signed by one of `trustedCaPems`. Any other CRL
 * throws, because a forged CRL could mark any certificate revoked or hide a
 * revocation.
 */
export async function loadRevocationList(
	crlPems: readonly string[],
	trustedCaPems: readonly string[],
): Promise<RevocationList> {
	const authorities = trustedCaPems.map((pem) => new x509.X509Certificate(pem));
	const revoked = new Set<string>();

	for (const pem of crlPems) {
		const crl = new x509.X509Crl(pem);
		if (!(await isSignedByAny(crl, authorities))) {
			throw new Error(`CRL of "${crl.issuer}" is not signed by a trusted client CA`);
		}

		const issuer = crlIssuerName(new Uint8Array(crl.rawData));
		for (const entry of crl.entries) {
			revoked.add(revocationKey(issuer, entry.serialNumber));
		}
	}

	return {
		isRevoked(leafDer) {
			const leaf = readCertificateFields(leafDer);
			return revoked.has(revocationKey(leaf.issuerName, leaf.serial));
		},
	};
}

/** An empty list, for a front door started without CRLs. */
export const NO_REVOCATIONS: RevocationList = { isRevoked: () => false };

async function isSignedByAny(
	crl: x509.X509Crl,
	authorities: readonly x509.X509Certificate[],
): Promise<boolean> {
	for (const authority of authorities) {
		if (authority.subject === crl.issuer && (await crl.verify({ publicKey: authority }))) {
			return true;
		}
	}
	return false;
}

/** Issuer Name DER from TBSCertList: version (optional INTEGER), signature, issuer, … */
function crlIssuerName(crlDer: Uint8Array): Uint8Array {
	const tbsCertList = readChildren(readElement(crlDer))[0];
	if (tbsCertList === undefined) {
		throw new Error("CRL without TBSCertList");
	}

	const fields = readChildren(tbsCertList);
	const start = fields[0]?.tag === TAG_INTEGER ? 1 : 0;
	const issuer = fields[start + 1];
	if (issuer === undefined) {
		throw new Error("CRL without issuer");
	}
	return issuer.encoded;
}

/** Serials compare as unsigned integers: case and leading zeros do not matter. */
function revocationKey(issuerName: Uint8Array, serialHex: string): string {
	const serial = serialHex.toUpperCase().replace(/^0+(?=.)/, "");
	return `${toUpperHex(issuerName)}/${serial}`;
}
