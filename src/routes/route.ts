/**
 * A route: method, path, policy, input schemas and handler, declared together.
 * `defineRoute` is the only way to make a `Route`, and it requires a policy,
 * so a route cannot exist without one.
 */
import type * as v from "valibot";
import type { Config } from "../config/config.ts";
import { readJsonBody } from "../http/body.ts";
import { checkJsonShape, checkPathParameters } from "../http/limits.ts";
import { allow, type Denial, deny, type Result } from "../http/problems.ts";
import { type AnySchema, validate } from "../http/validate.ts";
import type { Identity } from "../identity/identity.ts";
import type { ClientCertificate } from "../mtls/clientCertificate.ts";
import { checkPolicy, type RoutePolicy } from "../policy/policy.ts";
import { consumeRateLimit } from "../policy/rateLimit.ts";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** The authenticated caller and request state, passed to the router as a typed argument. */
export interface GateContext {
	readonly env: Env;
	readonly config: Config;
	readonly identity: Identity;
	readonly certificate: ClientCertificate;
	readonly requestId: string;
	readonly now: number;
}

type OutputOf<S> = S extends AnySchema ? v.InferOutput<S> : undefined;

export interface RouteContext<Params, Body> extends GateContext {
	readonly request: Request;
	readonly params: Params;
	readonly body: Body;
}

export interface RouteDefinition<
	ParamsSchema extends AnySchema | null,
	BodySchema extends AnySchema | null,
> {
	readonly method: HttpMethod;
	/** itty-router path pattern, for example `/v1/tenants/:tenantId/orders`. */
	readonly path: string;
	readonly policy: RoutePolicy;
	/** Schema of the raw (undecoded) path parameters, or `null` when the path has none. */
	readonly params: ParamsSchema;
	/** Schema of the JSON body, or `null` for a route that reads no body. */
	readonly body: BodySchema;
	/** Returns the response, or a denial (such as `not_found`) for the pipeline to render. */
	readonly handle: (
		context: RouteContext<OutputOf<ParamsSchema>, OutputOf<BodySchema>>,
	) => Promise<Response | Denial> | Response | Denial;
}

export interface Route {
	readonly method: HttpMethod;
	readonly path: string;
	readonly policy: RoutePolicy;
	/** Runs policy, input validation and handler, in that order. */
	readonly run: (
		request: Request,
		params: Readonly<Record<string, string>>,
		gate: GateContext,
	) => Promise<Result<Response>>;
}

export function defineRoute<
	ParamsSchema extends AnySchema | null,
	BodySchema extends AnySchema | null,
>(definition: RouteDefinition<ParamsSchema, BodySchema>): Route {
	const { method, path, policy } = definition;

	const run: Route["run"] = async (request, rawParams, gate) => {
		const limited = await checkRouteRateLimit(method, path, policy, gate);
		if (!limited.ok) {
			return limited;
		}

		const allowed = checkPolicy(policy, gate.identity, rawParams);
		if (!allowed.ok) {
			return allowed;
		}

		const safeParams = checkPathParameters(rawParams);
		if (!safeParams.ok) {
			return safeParams;
		}

		const params =
			definition.params === null ? allow(undefined) : validate(definition.params, rawParams);
		if (!params.ok) {
			return params;
		}

		const body =
			definition.body === null ? allow(undefined) : await readBody(definition.body, request, gate);
		if (!body.ok) {
			return body;
		}

		const outcome = await definition.handle({
			...gate,
			request,
			params: params.value as OutputOf<ParamsSchema>,
			body: body.value as OutputOf<BodySchema>,
		});
		return outcome instanceof Response ? allow(outcome) : deny(outcome);
	};

	return { method, path, policy, run };
}

async function readBody(
	schema: AnySchema,
	request: Request,
	gate: GateContext,
): Promise<Result<unknown>> {
	const json = await readJsonBody(request, gate.config.maxBodyBytes);
	if (!json.ok) {
		return json;
	}

	const shape = checkJsonShape(json.value);
	if (!shape.ok) {
		return shape;
	}

	return validate(schema, json.value);
}

/** Applies the route's own limiter, if it declares one, with the route's failure mode. */
async function checkRouteRateLimit(
	method: HttpMethod,
	path: string,
	policy: RoutePolicy,
	gate: GateContext,
): Promise<Result<void>> {
	const rateLimit = policy.rateLimit;
	if (rateLimit?.limiter === undefined) {
		return allow(undefined);
	}

	const key = `route:${method} ${path}:${gate.identity.principal}`;
	return consumeRateLimit(
		gate.env[rateLimit.limiter],
		key,
		rateLimit.onLimiterFailure ?? "closed",
		gate.requestId,
	);
}
