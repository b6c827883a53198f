/**
 * Problem responses that the front door itself sends, in the Worker's format
 * (RFC 9457 `application/problem+json` with a stable `code`), so clients parse
 * every error the same way.
 */
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";

export type FrontDoorProblemCode =
	| "front_door_error"
	| "https_required"
	| "sni_required"
	| "worker_unavailable"
	| "invalid_request_target";

export function sendProblem(
	response: ServerResponse,
	status: number,
	code: FrontDoorProblemCode,
	title: string,
	detail: string,
): void {
	const requestId = randomUUID();
	const body = JSON.stringify({ type: "about:blank", title, status, detail, code, requestId });
	response.writeHead(status, {
		"x-request-id": requestId,
		"content-type": "application/problem+json",
		"content-length": Buffer.byteLength(body),
		"cache-control": "no-store",
		"x-content-type-options": "nosniff",
	});
	response.end(body);
}

/**
 * Builds the raw HTTP/1.1 response for a client that sent plain HTTP to the
 * TLS port. Node's HTTP server sits behind TLS, so this response bypasses it.
 */
export function plainHttpRejection(httpsUrl: string): string {
	const body = `${JSON.stringify({
		type: "about:blank",
		title: "HTTPS required",
		status: 400,
		detail: `This port is the local mTLS front door and accepts HTTPS only. Send the request to ${httpsUrl} with a client certificate.`,
		code: "https_required" satisfies FrontDoorProblemCode,
		requestId: randomUUID(),
	})}\n`;

	return [
		"HTTP/1.1 400 Bad Request",
		"content-type: application/problem+json",
		`content-length: ${Buffer.byteLength(body)}`,
		"cache-control: no-store",
		"connection: close",
		"",
		body,
	].join("\r\n");
}
