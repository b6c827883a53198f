/**
 * Reads the client certificate of a TLS connection from Node's socket and
 * turns it into the input of `tlsClientAuthFor`.
 */
import { X509Certificate } from "node:crypto";
import type { DetailedPeerCertificate, TLSSocket } from "node:tls";
import type { RevocationList } from "./revocation.ts";
import type { PeerCertificate } from "./tls-client-auth.ts";

/**
 * Returns the connection's client certificate, or `undefined` when none was
 * presented. Presence is decided by a non-empty DER leaf, never by the
 * socket's `authorized` flag, which is also false for a presented certificate
 * that failed verification.
 *
 * `trustedCaDers` are the front door's client CAs: Node appends the trusted CA
 * from its store to the chain it reports, and Cloudflare's chain field holds
 * only the client's intermediates.
 */
export function readPeerCertificate(
	socket: TLSSocket,
	trustedCaDers: ReadonlySet<string>,
	revocations: RevocationList,
): PeerCertificate | undefined {
	const detailed = socket.getPeerCertificate(true) as Partial<DetailedPeerCertificate>;
	const leaf = detailed.raw;
	if (leaf === undefined || leaf.length === 0) {
		return undefined;
	}

	const chain = issuerChain(detailed as DetailedPeerCertificate);
	const intermediates = chain.filter((der) => !trustedCaDers.has(der.toString("base64")));
	const issuer = detailed.issuerCertificate?.raw ?? selfIssued(leaf);

	return {
		leaf: new Uint8Array(leaf),
		intermediates: intermediates.map((der) => new Uint8Array(der)),
		issuer: issuer === undefined || issuer.length === 0 ? undefined : new Uint8Array(issuer),
		verificationError: socket.authorized ? undefined : errorCode(socket.authorizationError),
		revoked: revocations.isRevoked(new Uint8Array(leaf)),
	};
}

/**
 * Node reports no issuer for an untrusted self-signed leaf, yet the leaf is
 * its own issuer. `checkIssued` cannot tell: OpenSSL also requires the
 * keyCertSign usage there, which a self-signed end-entity certificate lacks.
 */
function selfIssued(leaf: Buffer): Buffer | undefined {
	const certificate = new X509Certificate(leaf);
	const signedBySelf =
		certificate.subject === certificate.issuer && certificate.verify(certificate.publicKey);
	return signedBySelf ? leaf : undefined;
}

/** DERs above the leaf, following `issuerCertificate` until a self-signed certificate. */
function issuerChain(leaf: DetailedPeerCertificate): Buffer[] {
	const chain: Buffer[] = [];
	let current = leaf;

	// A self-signed certificate is its own issuerCertificate (Node's documented cycle).
	while (current.issuerCertificate !== undefined && current.issuerCertificate !== current) {
		current = current.issuerCertificate;
		if (current.raw === undefined || chain.some((der) => der.equals(current.raw))) {
			break;
		}
		chain.push(current.raw);
	}

	return chain;
}

/** Node documents `authorizationError` as an Error but sets OpenSSL's code string. */
function errorCode(error: unknown): string {
	if (typeof error === "string") {
		return error;
	}
	const code = (error as { code?: unknown } | null)?.code;
	return typeof code === "string" ? code : "UNKNOWN_VERIFICATION_ERROR";
}
