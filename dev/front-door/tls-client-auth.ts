/**
 * Builds `request.cf.tlsClientAuth` for one TLS connection, as Cloudflare's
 * edge would for the same client certificate.
 *
 * Checked against Cloudflare's documentation ("Client certificate variables"
 * and the `cf.tls_client_auth.*` WAF fields on developers.cloudflare.com, the
 * Workers changelog of 2026-03-27, and @cloudflare/workers-types):
 * - the placeholder object sent without a certificate;
 * - `certPresented` "1"/"0"; `certVerified` SUCCESS, NONE or FAILED:<reason>
 *   with the documented reason strings; `certRevoked` "1"/"0", separate from
 *   verification (a revoked certificate still verifies);
 * - `certFingerprintSHA1`/`SHA256` (lowercase hex, no separators),
 *   `certNotBefore`/`certNotAfter` (OpenSSL time format), the RFC 2253 and
 *   legacy DN forms for ASCII names, `certSerial` (uppercase hex);
 * - `certRFC9440` as `:<base64 DER>:`, `""` without a certificate.
 *
 * Best effort, because no documentation pins them down:
 * - `certSubjectDN`/`certIssuerDN` repeat the RFC 2253 form, as the documented
 *   examples of both fields do;
 * - escaping of non-ASCII text and specials in the DN forms (OpenSSL 3.0
 *   behaviour, see distinguished-name.ts);
 * - `certSKI`/`certIssuerSKI` as uppercase colon hex (the WAF examples show no
 *   colons); `certIssuerSKI` is the leaf's authority key identifier, else the
 *   issuer certificate's SKI;
 * - `certIssuerSerial`: the serial of the certificate that issued the leaf,
 *   as far as the front door found it, else `""`;
 * - `certChainRFC9440`: the intermediates between the leaf and a trusted CA as
 *   Node's TLS stack reports them, not byte for byte what the client sent;
 * - the size limits behind the two `…TooLarge` flags, counted here in DER
 *   bytes.
 */

import { formatNameLegacy, formatNameRfc2253 } from "../x509/distinguished-name.ts";
import {
	type CertificateFields,
	formatOpensslTime,
	readCertificateFields,
} from "./certificate-fields.ts";
import { certVerifiedFor } from "./verification.ts";

/** Cloudflare's `tlsClientAuth` object, all string fields plus the two RFC 9440 flags. */
export interface TlsClientAuth {
	certPresented: "0" | "1";
	certVerified: string;
	certRevoked: "0" | "1";
	certIssuerDN: string;
	certSubjectDN: string;
	certIssuerDNRFC2253: string;
	certSubjectDNRFC2253: string;
	certIssuerDNLegacy: string;
	certSubjectDNLegacy: string;
	certSerial: string;
	certIssuerSerial: string;
	certSKI: string;
	certIssuerSKI: string;
	certFingerprintSHA1: string;
	certFingerprintSHA256: string;
	certNotBefore: string;
	certNotAfter: string;
	certRFC9440: string;
	certRFC9440TooLarge: boolean;
	certChainRFC9440: string;
	certChainRFC9440TooLarge: boolean;
}

/** Leaves larger than this are left out of `certRFC9440` (Cloudflare: 10 KB). */
export const MAX_RFC9440_LEAF_BYTES = 10 * 1024;

/** Chains larger than this are left out of `certChainRFC9440` (Cloudflare: 16 KB). */
export const MAX_RFC9440_CHAIN_BYTES = 16 * 1024;

/** Cloudflare's object for a connection without a client certificate. */
export const PLACEHOLDER_TLS_CLIENT_AUTH: Readonly<TlsClientAuth> = Object.freeze({
	certPresented: "0",
	certVerified: "NONE",
	certRevoked: "0",
	certIssuerDN: "",
	certSubjectDN: "",
	certIssuerDNRFC2253: "",
	certSubjectDNRFC2253: "",
	certIssuerDNLegacy: "",
	certSubjectDNLegacy: "",
	certSerial: "",
	certIssuerSerial: "",
	certSKI: "",
	certIssuerSKI: "",
	certFingerprintSHA1: "",
	certFingerprintSHA256: "",
	certNotBefore: "",
	certNotAfter: "",
	certRFC9440: "",
	certRFC9440TooLarge: false,
	certChainRFC9440: "",
	certChainRFC9440TooLarge: false,
});

/** The client certificate of one connection and the outcome of its checks. */
export interface PeerCertificate {
	/** DER of the leaf. */
	leaf: Uint8Array;
	/** DER of the intermediates between the leaf and the trusted CA, leaf side first. */
	intermediates: readonly Uint8Array[];
	/** DER of the certificate that issued the leaf, when known (the leaf itself if self-signed). */
	issuer: Uint8Array | undefined;
	/** Node's `authorizationError` code, or `undefined` when the chain verified. */
	verificationError: string | undefined;
	revoked: boolean;
}

/** Builds the object for a connection; `undefined` means no certificate was presented. */
export function tlsClientAuthFor(peer: PeerCertificate | undefined): TlsClientAuth {
	if (peer === undefined || peer.leaf.length === 0) {
		return { ...PLACEHOLDER_TLS_CLIENT_AUTH };
	}

	const leaf = readCertificateFields(peer.leaf);
	const issuer = peer.issuer === undefined ? undefined : readCertificateFields(peer.issuer);
	const subjectDN = formatNameRfc2253(leaf.subjectName);
	const issuerDN = formatNameRfc2253(leaf.issuerName);
	const leafTooLarge = peer.leaf.length > MAX_RFC9440_LEAF_BYTES;
	const chainBytes = peer.intermediates.reduce((total, der) => total + der.length, 0);
	const chainTooLarge = chainBytes > MAX_RFC9440_CHAIN_BYTES;

	return {
		certPresented: "1",
		certVerified: certVerifiedFor(peer.verificationError),
		certRevoked: peer.revoked ? "1" : "0",
		certIssuerDN: issuerDN,
		certSubjectDN: subjectDN,
		certIssuerDNRFC2253: issuerDN,
		certSubjectDNRFC2253: subjectDN,
		certIssuerDNLegacy: formatNameLegacy(leaf.issuerName),
		certSubjectDNLegacy: formatNameLegacy(leaf.subjectName),
		certSerial: leaf.serial,
		certIssuerSerial: issuer?.serial ?? "",
		certSKI: leaf.subjectKeyIdentifier ?? "",
		certIssuerSKI: issuerKeyIdentifier(leaf, issuer),
		certFingerprintSHA1: leaf.fingerprintSHA1,
		certFingerprintSHA256: leaf.fingerprintSHA256,
		certNotBefore: formatOpensslTime(leaf.notBefore),
		certNotAfter: formatOpensslTime(leaf.notAfter),
		certRFC9440: leafTooLarge ? "" : toByteSequence(peer.leaf),
		certRFC9440TooLarge: leafTooLarge,
		certChainRFC9440: chainTooLarge ? "" : peer.intermediates.map(toByteSequence).join(","),
		certChainRFC9440TooLarge: chainTooLarge,
	};
}

/** RFC 8941 byte sequence, the encoding RFC 9440 uses for certificates. */
function toByteSequence(der: Uint8Array): string {
	return `:${Buffer.from(der).toString("base64")}:`;
}

function issuerKeyIdentifier(
	leaf: CertificateFields,
	issuer: CertificateFields | undefined,
): string {
	return leaf.authorityKeyIdentifier ?? issuer?.subjectKeyIdentifier ?? "";
}
