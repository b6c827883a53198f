/**
 * Forwards one request to `wrangler dev` with the `cf` object in the local
 * runtime's `MF-CF-Blob` header. Miniflare's own `dispatchFetch(url, { cf })`
 * serializes `cf` into this same header, so the Worker gets the same request
 * either way. A plain HTTP hop keeps `wrangler dev` a separate process with
 * its own reload and logs.
 */
import {
	Agent,
	request as httpRequest,
	type IncomingMessage,
	type ServerResponse,
} from "node:http";
import { pipeline } from "node:stream";
import { sendProblem } from "./problem.ts";

/** The header the local runtime reads `request.cf` from (Miniflare's `CoreHeaders.CF_BLOB`). */
export const CF_BLOB_HEADER = "mf-cf-blob";

/** Connection-level headers (RFC 9110 section 7.6.1) that each hop sets for itself. */
const HOP_BY_HOP_HEADERS = new Set([
	"connection",
	"keep-alive",
	"proxy-connection",
	"te",
	"trailer",
	"transfer-encoding",
	"upgrade",
	"expect",
]);

export type Log = (message: string) => void;

/**
 * A new loopback connection per request. With keep-alive, a request could
 * land on a connection that wrangler dev is closing, and a streamed body
 * cannot be replayed on a fresh one.
 */
const upstreamAgent = new Agent({ keepAlive: false });

/**
 * Streams the request body to the Worker and the response back. Client
 * headers pass unchanged, identity headers included, so the Worker can reject
 * them; only hop-by-hop headers and any client `MF-CF-Blob` are dropped.
 */
export function forwardToWorker(
	request: IncomingMessage,
	response: ServerResponse,
	cf: object,
	workerUrl: URL,
	log: Log,
): void {
	// Only origin-form targets ("/path?query") are forwarded. Absolute-form and
	// asterisk-form targets would reach wrangler dev as URLs it cannot handle.
	if (request.url === undefined || !request.url.startsWith("/")) {
		sendProblem(
			response,
			400,
			"invalid_request_target",
			"Bad Request",
			"The front door accepts only origin-form request targets such as /v1/whoami.",
		);
		return;
	}

	const headers = forwardedHeaders(request.rawHeaders);
	headers[CF_BLOB_HEADER] = JSON.stringify(cf);

	const upstream = httpRequest(
		{
			host: workerUrl.hostname,
			port: workerUrl.port,
			method: request.method,
			path: request.url,
			headers,
			agent: upstreamAgent,
		},
		(workerResponse) => {
			response.writeHead(
				workerResponse.statusCode ?? 502,
				forwardedHeaders(workerResponse.rawHeaders),
			);
			pipeline(workerResponse, response, (error) => {
				if (error) {
					log(
						`streaming the Worker's response for ${request.method} ${request.url} failed: ${error.message}`,
					);
				}
			});
		},
	);

	upstream.on("error", (error) => {
		log(
			`forwarding ${request.method} ${request.url} to ${workerUrl.origin} failed: ${error.message}`,
		);
		if (response.headersSent) {
			response.destroy(error);
			return;
		}
		sendProblem(
			response,
			502,
			"worker_unavailable",
			"Bad Gateway",
			`The front door could not reach wrangler dev at ${workerUrl.origin}. Check that it is running.`,
		);
	});

	pipeline(request, upstream, () => {
		// Upstream errors are reported by the "error" listener above.
	});
}

/**
 * Copies raw headers, keeping repeated headers as separate lines, without
 * hop-by-hop headers, headers named in `Connection`, or `MF-CF-Blob`.
 */
function forwardedHeaders(rawHeaders: readonly string[]): Record<string, string | string[]> {
	const connectionTokens = new Set<string>();
	for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
		if (rawHeaders[i]?.toLowerCase() === "connection") {
			for (const token of (rawHeaders[i + 1] ?? "").split(",")) {
				connectionTokens.add(token.trim().toLowerCase());
			}
		}
	}

	const headers: Record<string, string | string[]> = {};
	for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
		const name = (rawHeaders[i] ?? "").toLowerCase();
		const value = rawHeaders[i + 1] ?? "";
		if (HOP_BY_HOP_HEADERS.has(name) || connectionTokens.has(name) || name === CF_BLOB_HEADER) {
			continue;
		}

		const existing = headers[name];
		if (existing === undefined) {
			headers[name] = value;
		} else {
			headers[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
		}
	}
	return headers;
}
