/**
 * The one logging sink: one JSON line per request, read by Workers Logs
 * (`[observability]` in wrangler.toml). Callers pass only the fields below,
 * so no certificate, body, header value or KV value can be logged.
 */

export interface DecisionLog {
	readonly requestId: string;
	readonly method: string;
	/** The matched route pattern, never the raw path: paths carry caller-chosen ids. */
	readonly route: string | null;
	readonly status: number;
	readonly code: string | null;
	readonly principal: string | null;
	readonly tenant: string | null;
	/** First 16 hex characters of the SHA-256 fingerprint: enough to correlate, not the whole value. */
	readonly fingerprint: string | null;
	readonly durationMs: number;
	/** A fixed reason for operators, for failures whose problem code is generic. */
	readonly error?: string;
}

export function logDecision(entry: DecisionLog): void {
	const line = JSON.stringify({ message: "request", ...entry });
	if (entry.status >= 500) {
		console.error(line);
	} else {
		console.log(line);
	}
}

/** Logs a failure that happens outside any request, such as an invalid configuration. */
export function logError(message: string, fields: Readonly<Record<string, unknown>>): void {
	console.error(JSON.stringify({ message, ...fields }));
}
