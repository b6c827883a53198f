/**
 * Everything the gate derives from its configuration, built once per isolate
 * so the request path only looks things up: parsed vars, the compiled header
 * matcher, the identity cache and the compiled router.
 */
import { type Config, parseConfig } from "./config/config.ts";
import {
	compileHeaderMatcher,
	DEFAULT_UNTRUSTED_HEADERS,
	type HeaderMatcher,
} from "./http/identityHeaders.ts";
import { logError } from "./http/log.ts";
import { TtlCache } from "./identity/cache.ts";
import type { LookupOutcome } from "./identity/lookup.ts";
import { routes } from "./routes/index.ts";
import { buildRouter, type Dispatch } from "./routes/router.ts";

export interface Runtime {
	readonly config: Config;
	readonly headerMatcher: HeaderMatcher;
	readonly identityCache: TtlCache<LookupOutcome>;
	readonly dispatch: Dispatch;
}

// Keyed by the env object, which the runtime hands every request of an isolate.
// A test that passes its own env gets its own runtime.
const runtimes = new WeakMap<object, Runtime | null>();

/** Returns the isolate's runtime, or `null` when the configuration is invalid (logged once). */
export function getRuntime(env: Env): Runtime | null {
	const existing = runtimes.get(env);
	if (existing !== undefined) {
		return existing;
	}

	const runtime = createRuntime(env);
	runtimes.set(env, runtime);
	return runtime;
}

function createRuntime(env: Env): Runtime | null {
	const parsed = parseConfig(env);
	if (!parsed.ok) {
		logError("invalid configuration: every request fails with 500", {
			invalidKeys: parsed.invalidKeys,
		});
		return null;
	}

	let dispatch: Dispatch;
	try {
		dispatch = buildRouter(routes);
	} catch (error) {
		logError("invalid route table: every request fails with 500", {
			reason: error instanceof Error ? error.message : "unknown",
		});
		return null;
	}

	const { config } = parsed;
	return {
		config,
		headerMatcher: compileHeaderMatcher([
			...DEFAULT_UNTRUSTED_HEADERS,
			...config.extraUntrustedHeaders,
		]),
		identityCache: new TtlCache<LookupOutcome>(
			config.identityCacheTtlMs,
			config.identityCacheMaxEntries,
		),
		dispatch,
	};
}
