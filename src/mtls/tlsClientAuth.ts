/**
 * The shape of `request.cf.tlsClientAuth`, as documented by Cloudflare under
 * "Client certificate variables" and typed by @cloudflare/workers-types.
 *
 * Every documented string field must be present as a string. The four RFC 9440
 * fields were added to the platform in 2026 and are missing from older
 * runtimes, so they may be absent, but they must have their types when present.
 * Keys Cloudflare may add later are dropped rather than rejected: rejecting
 * them would turn a platform addition into an outage, and nothing reads them.
 */
import * as v from "valibot";

export const TlsClientAuthSchema = v.object({
	certPresented: v.string(),
	certVerified: v.string(),
	certRevoked: v.string(),
	certIssuerDN: v.string(),
	certSubjectDN: v.string(),
	certIssuerDNRFC2253: v.string(),
	certSubjectDNRFC2253: v.string(),
	certIssuerDNLegacy: v.string(),
	certSubjectDNLegacy: v.string(),
	certSerial: v.string(),
	certIssuerSerial: v.string(),
	certSKI: v.string(),
	certIssuerSKI: v.string(),
	certFingerprintSHA1: v.string(),
	certFingerprintSHA256: v.string(),
	certNotBefore: v.string(),
	certNotAfter: v.string(),
	certRFC9440: v.optional(v.string()),
	certRFC9440TooLarge: v.optional(v.boolean()),
	certChainRFC9440: v.optional(v.string()),
	certChainRFC9440TooLarge: v.optional(v.boolean()),
});

export type TlsClientAuth = v.InferOutput<typeof TlsClientAuthSchema>;
