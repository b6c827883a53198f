/**
 * Growth of the cost per request with the size of the route table, the
 * number of scopes an identity has and the number of cached identities.
 * Each family is measured in alternating rounds, and each figure is reported
 * as a ratio to the smallest size of its family.
 */

import type { Identity } from "../../src/identity/identity.ts";
import { identityKey } from "../../src/identity/record.ts";
import worker from "../../src/index.ts";
import type { ClientCertificate } from "../../src/mtls/clientCertificate.ts";
import { defineRoute, type GateContext, type Route } from "../../src/routes/route.ts";
import { buildRouter, type Dispatch } from "../../src/routes/router.ts";
import { getRuntime } from "../../src/runtime.ts";
import { type Measurement, measureAlternating } from "../lib/alternate.ts";
import { createGateEnv, identitiesFor, silenceWorkerLogs } from "../lib/env.ts";
import {
	fingerprintFor,
	gateRequest,
	identityRecordFor,
	tlsClientAuthFor,
} from "../lib/fixtures.ts";
import { MemoryKv } from "../lib/memoryKv.ts";
import {
	progress,
	type SuiteOptions,
	type SuiteResult,
	type SummaryRow,
	verdict,
} from "../lib/report.ts";
import { formatCount, formatNanoseconds, formatRatio } from "../lib/stats.ts";
import { checkRouterEquivalence } from "./routerEquivalence.ts";

const ROUTE_COUNTS = [10, 100, 1000] as const;
const SCOPE_COUNTS = [1, 10, 100] as const;
const CACHED_IDENTITY_COUNTS = [1, 1000, 100_000] as const;
/** `--quick` fills the cache with fewer identities, since filling it takes most of the case's time. */
const QUICK_CACHED_IDENTITY_COUNTS = [1, 1000, 20_000] as const;

/** Target: matching at 1,000 routes costs at most this multiple of matching at 10. */
const ROUTE_SCALING_TARGET = 2;

/** Response every generated route returns; shared, so building it stays out of the figures. */
const NO_CONTENT = new Response(null, { status: 204 });

export async function runScalingSuite(options: SuiteOptions): Promise<SuiteResult> {
	silenceWorkerLogs();
	const alternation = {
		rounds: options.quick ? 3 : 6,
		timeMs: options.quick ? 200 : 600,
		warmupMs: options.quick ? 50 : 150,
	};

	progress("scaling: checking buildRouter against itty-router's Router on random tables");
	const equivalence = await checkRouterEquivalence(options.quick ? 100 : 500, 100);

	progress("scaling: route table size");
	const routes = await measureRouteScaling(alternation);
	progress("scaling: scopes per identity");
	const scopes = await measureScopeScaling(alternation);
	progress("scaling: cached identities");
	const cachedCounts = options.quick ? QUICK_CACHED_IDENTITY_COUNTS : CACHED_IDENTITY_COUNTS;
	const cached = await measureCacheScaling(cachedCounts, alternation);

	const rows: SummaryRow[] = [
		...familyRows("routes", "route match, last of N routes", routes.hitLast, ROUTE_COUNTS, {
			target: `≤ ${ROUTE_SCALING_TARGET}× at 1,000`,
			limit: ROUTE_SCALING_TARGET,
		}),
		...familyRows(
			"routes",
			"route match, unknown path (404) with N routes",
			routes.unknown,
			ROUTE_COUNTS,
		),
		...familyRows("scopes", "gate, orders:read route, scopes held: N", scopes, SCOPE_COUNTS),
		...familyRows("cache", "gate, whoami, cached identities: N", cached, cachedCounts),
	];

	return { suite: "scaling", rows, details: { equivalence, routes, scopes, cached } };
}

interface Alternation {
	readonly rounds: number;
	readonly timeMs: number;
	readonly warmupMs: number;
}

/** Builds one row per size, each with its ratio to the first size of the family. */
function familyRows(
	suite: string,
	measure: string,
	measurements: readonly Measurement[],
	sizes: readonly number[],
	goal?: { readonly target: string; readonly limit: number },
): SummaryRow[] {
	const smallest = measurements[0] as Measurement;
	return measurements.map((measurement, index) => {
		const ratio = measurement.medianNs / smallest.medianNs;
		const isLargest = index === measurements.length - 1;
		return {
			suite,
			measure: measure.replace("N", formatCount(sizes[index] as number)),
			value: formatNanoseconds(measurement.medianNs),
			baseline: index === 0 ? "" : formatNanoseconds(smallest.medianNs),
			ratio: index === 0 ? "" : formatRatio(ratio),
			target: goal !== undefined && isLargest ? goal.target : "",
			verdict: goal !== undefined && isLargest ? verdict(ratio <= goal.limit) : "",
		};
	});
}

/**
 * Generated tables shaped like the template's own routes (tenant-bound, a
 * literal resource name after the tenant), measured through `buildRouter`'s
 * dispatch with an identity that passes every policy.
 */
async function measureRouteScaling(alternation: Alternation) {
	const env = createGateEnv(new MemoryKv()).env;
	const runtime = getRuntime(env);
	if (runtime === null) {
		throw new Error("the template's configuration is invalid; see the Worker's error log");
	}
	const gate: GateContext = {
		env,
		config: runtime.config,
		identity: benchIdentity(),
		certificate: benchCertificate(),
		requestId: "8f1e2d3c4b5a6978-SJC",
		now: Date.now(),
	};

	const tables = ROUTE_COUNTS.map((count) => ({
		count,
		dispatch: buildRouter(generatedRoutes(count)),
	}));
	const tlsClientAuth = tlsClientAuthFor(0);

	for (const { count, dispatch } of tables) {
		const last = await dispatch(gateRequest(lastRoutePath(count), tlsClientAuth), gate);
		if (!last.result.ok || last.route !== `/v1/tenants/:tenantId/resource${count - 1}`) {
			throw new Error(`generated table of ${count} routes did not match its last route`);
		}
	}

	const operations = (path: (count: number) => string) =>
		tables.map(({ count, dispatch }: { count: number; dispatch: Dispatch }) => {
			const request = gateRequest(path(count), tlsClientAuth);
			return {
				name: `${count} routes`,
				async: true,
				batch: 10,
				run: () => dispatch(request, gate),
			};
		});

	const hitLast = await measureAlternating(operations(lastRoutePath), alternation);
	const unknown = await measureAlternating(
		operations(() => "/v1/tenants/acme/no-such-resource"),
		alternation,
	);
	return { hitLast, unknown };
}

function lastRoutePath(count: number): string {
	return `/v1/tenants/acme/resource${count - 1}`;
}

function generatedRoutes(count: number): Route[] {
	return Array.from({ length: count }, (_, index) =>
		defineRoute({
			method: "GET",
			path: `/v1/tenants/:tenantId/resource${index}`,
			policy: { scopes: ["orders:read"], tenantParam: "tenantId" },
			params: null,
			body: null,
			handle: () => NO_CONTENT,
		}),
	);
}

/** Measures the whole gate for `GET /v1/tenants/acme/orders`, with identities of 1, 10 and 100 scopes. */
async function measureScopeScaling(alternation: Alternation): Promise<Measurement[]> {
	const cases = SCOPE_COUNTS.map((count, index) => {
		const certificate = 1 + index;
		const scopes = [
			"orders:read",
			...Array.from({ length: count - 1 }, (_, k) => `bench${k}:read`),
		];
		const { env } = createGateEnv(
			identitiesFor([[fingerprintFor(certificate), identityRecordFor(certificate, scopes)]]),
		);
		const request = gateRequest("/v1/tenants/acme/orders", tlsClientAuthFor(certificate));
		return { count, env, request };
	});

	for (const { count, env, request } of cases) {
		const response = await worker.fetch?.(request, env);
		if (response?.status !== 200) {
			throw new Error(`identity with ${count} scopes got status ${response?.status}`);
		}
	}

	return measureAlternating(
		cases.map(({ count, env, request }) => ({
			name: `${count} scopes`,
			async: true,
			run: () => worker.fetch?.(request, env),
		})),
		alternation,
	);
}

/**
 * Measures the whole gate for `GET /v1/whoami` once the identity cache
 * contains `counts` identities. Each measured request picks a cached
 * certificate at random, so the figures include cache misses of the CPU, not
 * of the gate.
 */
async function measureCacheScaling(
	counts: readonly number[],
	alternation: Alternation,
): Promise<Measurement[]> {
	const largest = Math.max(...counts);
	const indexOf = new Map<string, number>();
	for (let index = 0; index < largest; index += 1) {
		indexOf.set(identityKey(fingerprintFor(index)), index);
	}
	const recordOf = (key: string): string | null => {
		const index = indexOf.get(key);
		return index === undefined ? null : JSON.stringify(identityRecordFor(index));
	};

	const cases = [];
	for (const count of counts) {
		// The cache must hold every identity for the whole measurement.
		const { env, identities } = createGateEnv(new MemoryKv(recordOf), {
			IDENTITY_CACHE_TTL_SECONDS: "300",
			IDENTITY_CACHE_MAX_ENTRIES: String(Math.max(count, 10_000)),
		});
		for (let index = 0; index < count; index += 1) {
			const response = await worker.fetch?.(
				gateRequest("/v1/whoami", tlsClientAuthFor(index)),
				env,
			);
			if (response?.status !== 200) {
				throw new Error(`filling the cache: certificate ${index} got status ${response?.status}`);
			}
		}
		const pool = Array.from({ length: Math.min(count, 1000) }, () =>
			gateRequest("/v1/whoami", tlsClientAuthFor(Math.floor(Math.random() * count))),
		);
		cases.push({ count, env, identities, pool, readsAfterFill: identities.reads });
	}

	const measurements = await measureAlternating(
		cases.map(({ count, env, pool }) => {
			let next = 0;
			return {
				name: `${count} cached identities`,
				async: true,
				run: () => {
					next = next + 1 === pool.length ? 0 : next + 1;
					return worker.fetch?.(pool[next] as Request, env);
				},
			};
		}),
		alternation,
	);

	for (const { count, identities, readsAfterFill } of cases) {
		if (identities.reads !== readsAfterFill) {
			throw new Error(`cache of ${count} identities missed during the measurement`);
		}
	}
	return measurements;
}

function benchIdentity(): Identity {
	return {
		principal: "svc-billing",
		tenantId: "acme",
		scopes: new Set(["orders:read", "orders:write"]),
		status: "active",
		pins: { issuerDN: undefined, issuerSKI: undefined, serial: undefined },
		expiresAtMs: undefined,
	};
}

function benchCertificate(): ClientCertificate {
	return {
		fingerprintSHA256: fingerprintFor(0),
		serial: "00936EACBE07F201DF",
		subjectDN: "CN=svc-billing,O=Acme",
		issuerDN: "CN=Acme Client CA,O=Acme",
		issuerSKI: "BB:AF:7E:02:3D:FA:A6:F1:3C:84:8E:AD:EE:38:98:EC:D9:32:32:D4",
		notBeforeMs: Date.UTC(2020, 0, 1),
		notAfterMs: Date.UTC(2099, 11, 31, 23, 59, 59),
	};
}
