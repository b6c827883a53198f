/**
 * How long a change to an identity record can take before every edge location
 * acts on it, computed from the Worker's configuration vars.
 *
 * Three delays add up in the worst case: KV propagation to other locations
 * (Cloudflare documents up to 60 seconds), the `cacheTtl` each KV read passes
 * (KV_CACHE_TTL_SECONDS), and the Worker's per-isolate identity cache
 * (IDENTITY_CACHE_TTL_SECONDS).
 */
import type { KvTarget } from "./kv.ts";

/** Cloudflare's documented upper bound for a KV write to reach other locations. */
export const KV_PROPAGATION_SECONDS = 60;

// Used when wrangler.toml does not set the var.
// NOTE: these must match the Worker's defaults in src/config/config.ts.
const DEFAULT_IDENTITY_CACHE_TTL_SECONDS = 30;
const DEFAULT_KV_CACHE_TTL_SECONDS = 60;

export interface PropagationDelay {
	readonly kvPropagationSeconds: number;
	readonly kvCacheTtlSeconds: number;
	readonly identityCacheTtlSeconds: number;
	readonly totalSeconds: number;
	/** Source of the two TTLs, for the message. */
	readonly source: string;
}

/** Reads the Worker's `[vars]` for the target's environment with wrangler's own config reader. */
export async function readWorkerVars(target: KvTarget): Promise<Record<string, unknown>> {
	// Imported on demand: loading wrangler takes about a second.
	const { unstable_readConfig } = await import("wrangler");
	const config = unstable_readConfig(
		{ config: target.config, env: target.env },
		{ hideWarnings: true },
	);
	return { ...config.vars };
}

/**
 * Reads the vars with `readVars` and computes the delay. A configuration that
 * cannot be read yields the Worker's defaults instead of an error, because the
 * change this delay describes has already been written.
 */
export async function loadPropagationDelay(
	readVars: (target: KvTarget) => Promise<Record<string, unknown>>,
	target: KvTarget,
): Promise<PropagationDelay> {
	try {
		return computePropagationDelay(await readVars(target), target);
	} catch (error) {
		const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
		return {
			...computePropagationDelay({}, target),
			source: `the Worker's defaults, because the wrangler configuration could not be read (${reason})`,
		};
	}
}

/** Computes the worst-case delay from the Worker's vars. */
export function computePropagationDelay(
	vars: Record<string, unknown>,
	target: KvTarget,
): PropagationDelay {
	const kvCacheTtlSeconds = readSeconds(vars.KV_CACHE_TTL_SECONDS, DEFAULT_KV_CACHE_TTL_SECONDS);
	const identityCacheTtlSeconds = readSeconds(
		vars.IDENTITY_CACHE_TTL_SECONDS,
		DEFAULT_IDENTITY_CACHE_TTL_SECONDS,
	);
	const environment = target.env === undefined ? "" : ` of environment ${target.env}`;

	return {
		kvPropagationSeconds: KV_PROPAGATION_SECONDS,
		kvCacheTtlSeconds,
		identityCacheTtlSeconds,
		totalSeconds: KV_PROPAGATION_SECONDS + kvCacheTtlSeconds + identityCacheTtlSeconds,
		source: `[vars]${environment} in the wrangler configuration`,
	};
}

/** Reads a var as whole seconds; a missing or invalid value counts as the default. */
function readSeconds(value: unknown, fallback: number): number {
	if (typeof value === "string" && /^\d+$/.test(value)) {
		return Number(value);
	}
	if (typeof value === "number" && Number.isInteger(value) && value >= 0) {
		return value;
	}
	return fallback;
}

/** Explains the delay and how to revoke the certificate at Cloudflare for immediate effect. */
export function describePropagation(delay: PropagationDelay, fingerprint: string): string {
	return [
		`The deployed Worker can keep accepting this certificate for up to ${delay.totalSeconds} s:`,
		`  KV propagation                                 up to ${delay.kvPropagationSeconds} s`,
		`  KV cacheTtl (KV_CACHE_TTL_SECONDS)             ${delay.kvCacheTtlSeconds} s`,
		`  identity cache (IDENTITY_CACHE_TTL_SECONDS)    ${delay.identityCacheTtlSeconds} s`,
		`  (TTLs from ${delay.source})`,
		"For immediate effect, revoke the certificate itself at Cloudflare: in the dashboard under",
		"SSL/TLS > Client Certificates, or with the API:",
		"  DELETE /zones/{zone_id}/client_certificates/{client_certificate_id}",
		`(list the zone's client certificates to find the id; fingerprint_sha256 = ${fingerprint}).`,
		'The Worker then receives certRevoked "1" and responds with 401 client_certificate_revoked.',
		"Revocation status reaches the Worker only for certificates of the Cloudflare-managed CA.",
		"Cloudflare checks no revocation list for a CA you uploaded, so block such a certificate",
		"with a WAF custom rule instead:",
		`  cf.tls_client_auth.cert_fingerprint_sha256 eq "${fingerprint}"`,
	].join("\n");
}
