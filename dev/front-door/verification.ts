/**
 * Maps Node's `tlsSocket.authorizationError` (OpenSSL's verify result code)
 * to Cloudflare's `certVerified` value.
 */

/**
 * The reasons Cloudflare documents, keyed by the OpenSSL code that produces
 * each text (`X509_verify_cert_error_string`). workers-types lists the first
 * four; Cloudflare's client certificate docs also show the fifth.
 */
const CLOUDFLARE_REASONS: ReadonlyMap<string, string> = new Map([
	["DEPTH_ZERO_SELF_SIGNED_CERT", "self signed certificate"],
	["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "unable to verify the first certificate"],
	["CERT_NOT_YET_VALID", "certificate is not yet valid"],
	["CERT_HAS_EXPIRED", "certificate has expired"],
	["UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "unable to get local issuer certificate"],
]);

/**
 * Returns `SUCCESS` for a verified chain, `FAILED:<reason>` for a documented
 * reason and plain `FAILED` for any other error, so no undocumented text
 * reaches the Worker.
 */
export function certVerifiedFor(verificationError: string | undefined): string {
	if (verificationError === undefined) {
		return "SUCCESS";
	}

	const reason = CLOUDFLARE_REASONS.get(verificationError);
	return reason === undefined ? "FAILED" : `FAILED:${reason}`;
}
