/**
 * The Workers globals that src/ uses, for type-checking bench/ with
 * tsconfig.node.json. That program has Node's types only, so src/ modules
 * imported by the in-process suites would not compile without these, and
 * adding @cloudflare/workers-types to it would change the types of the other
 * Node code it checks. Binding types come from workers-types' importable
 * module; `ExportedHandler`, `HeadersInit` and `Request.cf` use Node's
 * Request and Response, which the suites pass in.
 *
 * NOTE: `Env` lists the bindings by hand; keep it in step with
 * worker-configuration.d.ts when a binding is added.
 */
import type * as Workers from "@cloudflare/workers-types/index.ts";

declare global {
	type KVNamespace<Key extends string = string> = Workers.KVNamespace<Key>;
	type RateLimit = Workers.RateLimit;
	type HeadersInit = ConstructorParameters<typeof Headers>[0];
	type IncomingRequestCfProperties = Workers.IncomingRequestCfProperties;

	interface ExportedHandler<E = unknown> {
		fetch?: (request: Request, env: E) => Response | Promise<Response>;
	}

	interface Env {
		IDENTITIES: KVNamespace;
		ORDERS: KVNamespace;
		RATE_LIMITER: RateLimit;
		RATE_LIMITER_WRITES: RateLimit;
	}

	interface Request {
		readonly cf?: IncomingRequestCfProperties;
	}
}
