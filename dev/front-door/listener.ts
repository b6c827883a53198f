/**
 * The TCP side of the front door: loopback listeners that look at the first
 * byte of each connection and hand TLS to the HTTPS server, so plain HTTP gets
 * a readable error instead of a failed handshake.
 */
import { createServer, type Server, type Socket } from "node:net";
import type { Log } from "./proxy.ts";

/** First byte of every TLS record that starts a handshake (ContentType handshake). */
const TLS_HANDSHAKE_RECORD = 0x16;

/** A connection that sends nothing for this long is closed. */
const FIRST_BYTE_TIMEOUT_MS = 10_000;

export interface ListenerOptions {
	/** Address to listen on. Without it: 127.0.0.1, plus ::1 on the same port when available. */
	host: string | undefined;
	/** 0 picks a free port. */
	port: number;
	/** Receives a connection whose first bytes are still unread. */
	onTls(socket: Socket): void;
	/** Receives a connection that did not start with a TLS handshake. */
	onPlainText(socket: Socket): void;
	log: Log;
}

export interface Listener {
	port: number;
	/** The addresses actually listened on. */
	addresses: string[];
	close(): Promise<void>;
}

export async function listenOnLoopback(options: ListenerOptions): Promise<Listener> {
	const sockets = new Set<Socket>();
	const servers: Server[] = [];
	const addresses: string[] = [];

	const primaryHost = options.host ?? "127.0.0.1";
	const primary = createSniffingServer(options, sockets);
	await listen(primary, options.port, primaryHost);
	servers.push(primary);
	addresses.push(primaryHost);

	const address = primary.address();
	const port = typeof address === "object" && address !== null ? address.port : options.port;

	// Clients may resolve localhost to ::1 first; a machine without IPv6 keeps IPv4 only.
	if (options.host === undefined) {
		const secondary = createSniffingServer(options, sockets);
		try {
			await listen(secondary, port, "::1");
			servers.push(secondary);
			addresses.push("::1");
		} catch (error) {
			options.log(`not listening on [::1]:${port}: ${(error as Error).message}`);
		}
	}

	return {
		port,
		addresses,
		close: async () => {
			const closed = servers.map((server) => new Promise((resolve) => server.close(resolve)));
			for (const socket of sockets) {
				socket.destroy();
			}
			await Promise.all(closed);
		},
	};
}

function createSniffingServer(options: ListenerOptions, sockets: Set<Socket>): Server {
	return createServer((socket) => {
		sockets.add(socket);
		socket.on("close", () => sockets.delete(socket));
		socket.on("error", () => socket.destroy());
		socket.setTimeout(FIRST_BYTE_TIMEOUT_MS, () => socket.destroy());

		socket.once("data", (chunk: Buffer) => {
			socket.setTimeout(0);
			if (chunk[0] !== TLS_HANDSHAKE_RECORD) {
				options.onPlainText(socket);
				return;
			}

			// A TLS socket reads bytes left in the stream buffer first, so unshift keeps them.
			socket.pause();
			socket.unshift(chunk);
			options.onTls(socket);
		});
	});
}

function listen(server: Server, port: number, host: string): Promise<void> {
	return new Promise((resolve, reject) => {
		server.once("error", reject);
		server.listen(port, host, () => {
			server.off("error", reject);
			resolve();
		});
	});
}
