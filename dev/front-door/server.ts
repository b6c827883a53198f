/**
 * The local mTLS front door: an HTTPS server that requests a client
 * certificate, checks it against the dev client CA without failing the
 * handshake, and forwards each request to `wrangler dev` with the
 * `request.cf.tlsClientAuth` that Cloudflare would have produced.
 */
import { constants as cryptoConstants, X509Certificate } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { TLSSocket } from "node:tls";
import { listenOnLoopback } from "./listener.ts";
import { readPeerCertificate } from "./peer.ts";
import { plainHttpRejection, sendProblem } from "./problem.ts";
import { forwardToWorker, type Log } from "./proxy.ts";
import { loadRevocationList, NO_REVOCATIONS } from "./revocation.ts";
import { type TlsClientAuth, tlsClientAuthFor } from "./tls-client-auth.ts";

export interface FrontDoorOptions {
	/** Loopback address to listen on. Without it: 127.0.0.1, plus ::1 when available. */
	host?: string;
	/** 0 picks a free port. */
	port: number;
	/** Origin of `wrangler dev`, for example `http://127.0.0.1:8787`. */
	workerUrl: string;
	serverCertificatePem: string;
	serverKeyPem: string;
	/** CAs that client certificates must chain to. */
	clientCaPems: readonly string[];
	/** CRLs of those CAs: the source of `certRevoked`. */
	crlPems?: readonly string[];
	log?: Log;
}

export interface FrontDoor {
	/** `https://localhost:<port>` */
	url: string;
	port: number;
	/** The loopback addresses listened on. */
	addresses: string[];
	close(): Promise<void>;
}

export async function startFrontDoor(options: FrontDoorOptions): Promise<FrontDoor> {
	const log = options.log ?? ((message: string) => console.error(`[front door] ${message}`));
	const workerUrl = new URL(options.workerUrl);
	const revocations =
		options.crlPems === undefined || options.crlPems.length === 0
			? NO_REVOCATIONS
			: await loadRevocationList(options.crlPems, options.clientCaPems);
	const trustedCaDers = new Set(
		options.clientCaPems.map((pem) => new X509Certificate(pem).raw.toString("base64")),
	);

	const httpsServer = createHttpsServer({
		cert: options.serverCertificatePem,
		key: options.serverKeyPem,
		ca: [...options.clientCaPems],
		requestCert: true,
		// Verification failures must reach the Worker as certVerified FAILED:<reason>, as on Cloudflare.
		rejectUnauthorized: false,
		minVersion: "TLSv1.2",
		// No session tickets and no renegotiation: each connection proves its own certificate.
		secureOptions: cryptoConstants.SSL_OP_NO_TICKET | cryptoConstants.SSL_OP_NO_RENEGOTIATION,
	});

	let url = "";
	httpsServer.on("request", (request: IncomingMessage, response: ServerResponse) => {
		const socket = request.socket as TLSSocket;

		// Cloudflare's edge needs SNI to pick the hostname's mTLS settings, so the front door requires it too.
		if (typeof socket.servername !== "string" || socket.servername === "") {
			sendProblem(
				response,
				421,
				"sni_required",
				"Misdirected Request",
				`The TLS handshake carried no server name (SNI). Clients send none for IP addresses: connect to ${url}.`,
			);
			return;
		}

		let tlsClientAuth: TlsClientAuth;
		try {
			tlsClientAuth = tlsClientAuthFor(readPeerCertificate(socket, trustedCaDers, revocations));
		} catch (error) {
			// OpenSSL accepted a certificate that the DER reader rejects; fail this request, not the server.
			log(
				`reading the client certificate from ${socket.remoteAddress ?? "unknown"} failed: ${(error as Error).message}`,
			);
			sendProblem(
				response,
				500,
				"front_door_error",
				"Internal Server Error",
				"The front door could not read the client certificate. Its log has the details.",
			);
			return;
		}

		const cf = {
			tlsClientAuth,
			tlsVersion: socket.getProtocol() ?? "",
			tlsCipher: socket.getCipher().name,
			httpProtocol: `HTTP/${request.httpVersion}`,
			clientAcceptEncoding: request.headers["accept-encoding"] ?? "",
		};
		forwardToWorker(request, response, cf, workerUrl, log);
	});

	httpsServer.on("tlsClientError", (error, socket) => {
		log(`TLS handshake from ${socket.remoteAddress ?? "unknown"} failed: ${error.message}`);
	});

	const listener = await listenOnLoopback({
		host: options.host,
		port: options.port,
		log,
		onTls: (socket) => httpsServer.emit("connection", socket),
		onPlainText: (socket) => {
			log(`rejected a plain-text connection from ${socket.remoteAddress ?? "unknown"}`);
			socket.end(plainHttpRejection(url));
		},
	});
	url = `https://localhost:${listener.port}`;

	return {
		url,
		port: listener.port,
		addresses: listener.addresses,
		close: async () => {
			httpsServer.close();
			await listener.close();
		},
	};
}
