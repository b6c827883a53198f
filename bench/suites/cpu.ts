/**
 * Gate CPU per request, in-process on Node: the Worker's `fetch` for
 * `GET /v1/whoami` with a cached identity, against the baseline Worker's
 * `fetch` for the same request, in alternating rounds. Then each pipeline
 * step on its own, to show where the difference goes.
 */

import { checkIdentityHeaders } from "../../src/http/identityHeaders.ts";
import { checkRequestSize } from "../../src/http/limits.ts";
import { logDecision } from "../../src/http/log.ts";
import { jsonResponse, withStandardHeaders } from "../../src/http/respond.ts";
import { authorizeIdentity } from "../../src/identity/authorizeIdentity.ts";
import type { Identity } from "../../src/identity/identity.ts";
import { lookupIdentity } from "../../src/identity/lookup.ts";
import worker from "../../src/index.ts";
import {
	type ClientCertificate,
	checkClientCertificate,
} from "../../src/mtls/clientCertificate.ts";
import { checkPolicy } from "../../src/policy/policy.ts";
import { consumeRateLimit } from "../../src/policy/rateLimit.ts";
import { listTenantOrders } from "../../src/routes/orders/routes.ts";
import type { GateContext } from "../../src/routes/route.ts";
import { getRuntime } from "../../src/runtime.ts";
import baseline from "../baseline/index.ts";
import {
	type Measurement,
	measureAlternating,
	type Operation,
	timerOverhead,
} from "../lib/alternate.ts";
import { createGateEnv, identitiesFor, silenceWorkerLogs } from "../lib/env.ts";
import {
	fingerprintFor,
	gateRequest,
	identityRecordFor,
	tlsClientAuthFor,
	WARM_CERTIFICATE,
} from "../lib/fixtures.ts";
import type { SuiteOptions, SuiteResult, SummaryRow } from "../lib/report.ts";
import { progress, verdict } from "../lib/report.ts";
import { formatNanoseconds, formatRatio } from "../lib/stats.ts";

/** Target for the whole gate on Node 22 on the benchmark machine, in nanoseconds per request. */
const GATE_CPU_TARGET_NS = 20_000;

export async function runCpuSuite(options: SuiteOptions): Promise<SuiteResult> {
	silenceWorkerLogs();
	const rounds = options.quick ? 3 : 8;
	const timeMs = options.quick ? 300 : 1000;
	const warmupMs = options.quick ? 100 : 250;

	const fingerprint = fingerprintFor(WARM_CERTIFICATE);
	const tlsClientAuth = tlsClientAuthFor(WARM_CERTIFICATE);
	const gate = createGateEnv(identitiesFor([[fingerprint, identityRecordFor(WARM_CERTIFICATE)]]));
	const gateWhoami = gateRequest("/v1/whoami", tlsClientAuth);
	const baselineWhoami = gateRequest("/v1/whoami", tlsClientAuth);

	await assertSameBody(gate.env, gateWhoami, baselineWhoami);

	progress(`cpu: gate against baseline, ${rounds} rounds of ${timeMs} ms each`);
	const [gateRun, baselineRun] = (await measureAlternating(
		[
			{ name: "gate", async: true, run: () => worker.fetch?.(gateWhoami, gate.env) },
			{ name: "baseline", async: true, run: () => baseline.fetch(baselineWhoami) },
		],
		{ rounds, timeMs, warmupMs },
	)) as [Measurement, Measurement];
	const kvReadsDuringRun = gate.identities.reads;

	progress("cpu: each pipeline step on its own");
	const steps = await measureAlternating(await stepOperations(gate.env, gateWhoami), {
		rounds,
		timeMs: timeMs / 2,
		warmupMs: warmupMs / 2,
	});
	const stepSumNs = steps.reduce((sum, step) => sum + step.medianNs, 0);

	const ratio = gateRun.medianNs / baselineRun.medianNs;
	const roundRatios = gateRun.roundMediansNs.map(
		(gateNs, round) => gateNs / (baselineRun.roundMediansNs[round] as number),
	);

	const rows: SummaryRow[] = [
		{
			suite: "cpu",
			measure: "gate per request, median (whoami, cached identity)",
			value: formatNanoseconds(gateRun.medianNs),
			baseline: formatNanoseconds(baselineRun.medianNs),
			ratio: formatRatio(ratio),
			target: "≤ 20 µs",
			verdict: verdict(gateRun.medianNs <= GATE_CPU_TARGET_NS),
		},
		{
			suite: "cpu",
			measure: "gate per request, p99",
			value: formatNanoseconds(gateRun.p99Ns),
			baseline: formatNanoseconds(baselineRun.p99Ns),
			ratio: formatRatio(gateRun.p99Ns / baselineRun.p99Ns),
			target: "",
			verdict: "",
		},
		...steps.map(
			(step): SummaryRow => ({
				suite: "cpu step",
				measure: step.name,
				value: formatNanoseconds(step.medianNs),
				baseline: "",
				ratio: "",
				target: "",
				verdict: "",
			}),
		),
		{
			suite: "cpu step",
			measure: "sum of the steps above",
			value: formatNanoseconds(stepSumNs),
			baseline: "",
			ratio: "",
			target: "",
			verdict: "",
		},
	];

	return {
		suite: "cpu",
		rows,
		details: {
			gate: gateRun,
			baseline: baselineRun,
			ratio,
			roundRatios,
			steps,
			kvReadsDuringRun,
			timerOverheadNs: timerOverhead(),
		},
	};
}

/** Throws unless both Workers return 200 with the same body, so the comparison is like for like. */
async function assertSameBody(env: Env, gateWhoami: Request, baselineWhoami: Request) {
	const fromGate = await worker.fetch?.(gateWhoami, env);
	const fromBaseline = await baseline.fetch(baselineWhoami);
	const gateBody = await fromGate?.text();
	const baselineBody = await fromBaseline.text();

	if (fromGate?.status !== 200 || fromBaseline.status !== 200 || gateBody !== baselineBody) {
		throw new Error(
			`gate and baseline disagree: status ${fromGate?.status} and ${fromBaseline.status}, ` +
				`bodies ${gateBody === baselineBody ? "equal" : "differ"}`,
		);
	}
}

/**
 * Builds one operation per pipeline step, each called with the values the
 * step gets inside the gate for the cached-identity whoami request.
 */
async function stepOperations(env: Env, request: Request): Promise<Operation[]> {
	const runtime = getRuntime(env);
	if (runtime === null) {
		throw new Error("the template's configuration is invalid; see the Worker's error log");
	}
	const { config } = runtime;
	const now = Date.now();

	const certificate = checkClientCertificate(request.cf, now, config.clockSkewMs);
	if (!certificate.ok) {
		throw new Error(`certificate fixture denied: ${certificate.denial.code}`);
	}
	const fingerprint = certificate.value.fingerprintSHA256;

	const lookup = await lookupIdentity(
		env.IDENTITIES,
		runtime.identityCache,
		fingerprint,
		config,
		now,
	);
	if (lookup.kind !== "found") {
		throw new Error(`identity fixture not found: ${lookup.kind}`);
	}
	const identity: Identity = lookup.identity;
	const clientCertificate: ClientCertificate = certificate.value;
	const gateContext: GateContext = {
		env,
		config,
		identity,
		certificate: clientCertificate,
		requestId: crypto.randomUUID(),
		now,
	};
	const tenantParams = { tenantId: identity.tenantId };
	const whoamiResponse = jsonResponse({ principal: identity.principal });

	const sync = (name: string, run: () => unknown): Operation => ({
		name,
		run,
		async: false,
		batch: 100,
	});
	const async = (name: string, run: () => Promise<unknown>): Operation => ({
		name,
		run,
		async: true,
		batch: 20,
	});

	return [
		sync("request size limits (checkRequestSize)", () => checkRequestSize(request)),
		sync("certificate state (checkClientCertificate)", () =>
			checkClientCertificate(request.cf, now, config.clockSkewMs),
		),
		sync("identity headers (checkIdentityHeaders)", () =>
			checkIdentityHeaders(request.headers, runtime.headerMatcher),
		),
		async("identity lookup, cached (lookupIdentity)", () =>
			lookupIdentity(env.IDENTITIES, runtime.identityCache, fingerprint, config, now),
		),
		sync("identity status and pins (authorizeIdentity)", () =>
			authorizeIdentity(identity, clientCertificate, now),
		),
		sync("scope and tenant (checkPolicy, orders:read route)", () =>
			checkPolicy(listTenantOrders.policy, identity, tenantParams),
		),
		async("per-identity rate limit, admitting limiter (consumeRateLimit)", () =>
			consumeRateLimit(
				gateContext.env.RATE_LIMITER,
				"principal:bench",
				"closed",
				gateContext.requestId,
			),
		),
		async("route, whoami handler and its JSON (dispatch)", () =>
			runtime.dispatch(request, gateContext),
		),
		sync("standard headers (withStandardHeaders)", () =>
			withStandardHeaders(whoamiResponse, gateContext.requestId),
		),
		sync("log line (logDecision, console write stubbed)", () =>
			logDecision({
				requestId: gateContext.requestId,
				method: "GET",
				route: "/v1/whoami",
				status: 200,
				code: null,
				principal: identity.principal,
				tenant: identity.tenantId,
				fingerprint: fingerprint.slice(0, 16),
				durationMs: 0,
			}),
		),
	];
}
