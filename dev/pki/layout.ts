/**
 * File layout of the generated dev PKI. Everything lives under `.dev/pki/`,
 * which git ignores: these files are development credentials only.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPOSITORY_ROOT = fileURLToPath(new URL("../..", import.meta.url));

export const DEFAULT_PKI_DIR = join(REPOSITORY_ROOT, ".dev", "pki");

export interface PkiLayout {
	dir: string;
	/** CA that signs the front door's certificate: the file a client trusts (`curl --cacert`). */
	serverCa: string;
	serverCertificate: string;
	serverKey: string;
	/** CA that the front door trusts for client certificates. */
	clientCa: string;
	/** CRL of the client CA, the front door's source for `certRevoked`. */
	clientCrl: string;
	/** Certificate of the CA that signs the `untrusted-ca` profile; nothing trusts it. */
	untrustedCa: string;
	manifest: string;
}

export interface ClientFiles {
	/** PEM with the leaf first, then any intermediate the client sends along. */
	certificate: string;
	key: string;
}

export function pkiLayout(dir: string = DEFAULT_PKI_DIR): PkiLayout {
	return {
		dir,
		serverCa: join(dir, "server-ca.pem"),
		serverCertificate: join(dir, "server.pem"),
		serverKey: join(dir, "server.key"),
		clientCa: join(dir, "client-ca.pem"),
		clientCrl: join(dir, "client-ca.crl.pem"),
		untrustedCa: join(dir, "untrusted-ca.pem"),
		manifest: join(dir, "manifest.json"),
	};
}

export function clientFiles(layout: PkiLayout, certificateName: string): ClientFiles {
	return {
		certificate: join(layout.dir, "clients", `${certificateName}.pem`),
		key: join(layout.dir, "clients", `${certificateName}.key`),
	};
}
