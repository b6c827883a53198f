/**
 * The Worker's `[vars]`, parsed and validated once per isolate. Vars are
 * untrusted in the sense that a typo in `wrangler.toml` or the dashboard must
 * not weaken the gate: an invalid value fails every request closed.
 */
import * as v from "valibot";

/** Accepts a whole number written as a TOML string ("30") or a TOML integer (30). */
function wholeNumber(min: number, max: number) {
	return v.pipe(
		v.union([
			v.pipe(v.string(), v.regex(/^\d{1,10}$/, "must be a whole number"), v.transform(Number)),
			v.pipe(v.number(), v.integer()),
		]),
		v.minValue(min),
		v.maxValue(max),
	);
}

const ConfigSchema = v.object({
	/** Seconds an identity lookup is cached in the isolate; 0 turns the cache off. */
	IDENTITY_CACHE_TTL_SECONDS: v.optional(wholeNumber(0, 300), 30),
	/** Maximum identities cached per isolate, bounding memory under a flood of certificates. */
	IDENTITY_CACHE_MAX_ENTRIES: v.optional(wholeNumber(1, 1_000_000), 10_000),
	/** `cacheTtl` passed to KV reads; KV's minimum is 30 seconds. */
	KV_CACHE_TTL_SECONDS: v.optional(wholeNumber(30, 3600), 60),
	/** Milliseconds before an identity read counts as failed (503). */
	KV_TIMEOUT_MS: v.optional(wholeNumber(50, 30_000), 1500),
	/** Seconds of tolerance on both ends of the certificate validity window. */
	CLOCK_SKEW_SECONDS: v.optional(wholeNumber(0, 300), 0),
	/** Maximum request body in bytes, enforced while reading. */
	MAX_BODY_BYTES: v.optional(wholeNumber(1, 10 * 1024 * 1024), 64 * 1024),
	/** Comma-separated extra header names to reject; a trailing `*` matches a prefix. */
	EXTRA_UNTRUSTED_HEADERS: v.optional(
		v.pipe(
			v.string(),
			v.regex(/^[A-Za-z0-9!#$%&'*+.^_`|~, -]*$/, "must be a comma-separated list of header names"),
		),
		"",
	),
});

export interface Config {
	readonly identityCacheTtlMs: number;
	readonly identityCacheMaxEntries: number;
	readonly kvCacheTtlSeconds: number;
	readonly kvTimeoutMs: number;
	readonly clockSkewMs: number;
	readonly maxBodyBytes: number;
	readonly extraUntrustedHeaders: readonly string[];
}

export type ConfigResult =
	| { readonly ok: true; readonly config: Config }
	| { readonly ok: false; readonly invalidKeys: readonly string[] };

/**
 * Parses the vars. On failure only the names of the invalid keys are returned,
 * never their values, so the caller can log them safely.
 */
export function parseConfig(env: unknown): ConfigResult {
	const result = v.safeParse(ConfigSchema, env);
	if (!result.success) {
		const invalidKeys = result.issues.map((issue) => v.getDotPath(issue) ?? "(root)");
		return { ok: false, invalidKeys: [...new Set(invalidKeys)] };
	}

	const vars = result.output;
	return {
		ok: true,
		config: {
			identityCacheTtlMs: vars.IDENTITY_CACHE_TTL_SECONDS * 1000,
			identityCacheMaxEntries: vars.IDENTITY_CACHE_MAX_ENTRIES,
			kvCacheTtlSeconds: vars.KV_CACHE_TTL_SECONDS,
			kvTimeoutMs: vars.KV_TIMEOUT_MS,
			clockSkewMs: vars.CLOCK_SKEW_SECONDS * 1000,
			maxBodyBytes: vars.MAX_BODY_BYTES,
			extraUntrustedHeaders: vars.EXTRA_UNTRUSTED_HEADERS.split(",")
				.map((name) => name.trim())
				.filter((name) => name !== ""),
		},
	};
}
