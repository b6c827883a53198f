/**
 * The kinds of dev client certificate and what the front door reports for
 * each. Every profile except `valid` exists to try one failure by hand.
 */
import type { NameSpec, Validity } from "./issue.ts";

export const CERTIFICATE_PROFILES = [
	/** Signed by the dev client CA, valid now. */
	"valid",
	/** Signed by a dev intermediate CA that the client sends along: a two-level chain. */
	"intermediate",
	/** Like `valid`, with a subject full of non-ASCII text and DN special characters. */
	"special-subject",
	"expired",
	"not-yet-valid",
	"self-signed",
	/** Signed by a CA that the front door does not trust. */
	"untrusted-ca",
	/** Valid, but listed in the dev client CA's CRL. */
	"revoked",
] as const;

export type CertificateProfile = (typeof CERTIFICATE_PROFILES)[number];

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** Lifetime of the dev CAs and of certificates meant to be valid. */
export const DEV_CERTIFICATE_DAYS = 365;

/**
 * Validity of a certificate of `profile` created at `now`. Valid certificates
 * start an hour early so a clock a little behind still accepts them.
 */
export function validityFor(profile: CertificateProfile, now: Date): Validity {
	const at = (offsetMs: number) => new Date(now.getTime() + offsetMs);

	switch (profile) {
		case "expired":
			return { notBefore: at(-30 * DAY_MS), notAfter: at(-DAY_MS) };
		case "not-yet-valid":
			return { notBefore: at(30 * DAY_MS), notAfter: at(DEV_CERTIFICATE_DAYS * DAY_MS) };
		case "valid":
		case "intermediate":
		case "special-subject":
		case "self-signed":
		case "untrusted-ca":
		case "revoked":
			return { notBefore: at(-HOUR_MS), notAfter: at(DEV_CERTIFICATE_DAYS * DAY_MS) };
	}
}

/** Subject of an ordinary dev client certificate. */
export function defaultSubject(principal: string, tenantId: string): NameSpec {
	return [{ O: "mTLS Edge Gate Dev" }, { OU: tenantId }, { CN: principal }];
}

/**
 * Builds a subject that exercises every escaping rule of the three DN fields.
 * It has non-ASCII text (Latin, CJK and an emoji outside the BMP), the RFC 2253
 * specials `, + " \ ; = < >`, a leading `#`, leading and trailing spaces, a
 * BMPString and a multi-valued RDN.
 */
export function specialSubject(principal: string): NameSpec {
	return [
		{ C: "DE" },
		{ L: { type: "bmpString", value: "Zürich" } },
		{ O: 'Acme Ünïcode GmbH, "R&D" + Ops; a=b \\ c <x>' },
		{ OU: "#ops", "0.9.2342.19200300.100.1.1": " 42 " },
		{ "2.5.4.3": { type: "utf8String", value: `${principal} Jürgen 東京 🔐` } },
	];
}
