/**
 * Sends the request mix at the dev server with a fixed number of requests in
 * flight until the time or the request cap runs out, and checks each response.
 */
import type { Caller, Role } from "./fixtures.ts";
import { type PlannedRequest, type ScenarioState, schedule } from "./scenarios.ts";

/** A request that takes longer than this counts as failed. */
const REQUEST_TIMEOUT_MS = 10_000;

/** Examples of wrong decisions kept for the report. */
const MAX_KEPT_FAILURES = 20;

export interface DriveResult {
	sent: number;
	checked: number;
	wrong: number;
	unexpected5xx: number;
	injected5xx: number;
	/** 5xx responses without the Worker's `x-request-id`: wrangler dev responded, not the gate. */
	devServer5xx: number;
	rateLimited: number;
	failedRequests: number;
	readonly byScenario: Map<string, number>;
	readonly failures: string[];
}

export interface DriveOptions {
	readonly url: string;
	readonly callers: ReadonlyMap<Role, readonly Caller[]>;
	readonly now: number;
	readonly deadline: number;
	readonly maxRequests: number;
	readonly concurrency: number;
	readonly only?: string | undefined;
}

export async function drive(options: DriveOptions): Promise<DriveResult> {
	const result: DriveResult = {
		sent: 0,
		checked: 0,
		wrong: 0,
		unexpected5xx: 0,
		injected5xx: 0,
		devServer5xx: 0,
		rateLimited: 0,
		failedRequests: 0,
		byScenario: new Map(),
		failures: [],
	};
	const mix = schedule(options.only);
	const state = makeState(options);

	const worker = async () => {
		while (Date.now() < options.deadline && result.sent < options.maxRequests) {
			const scenario = mix[result.sent % mix.length];
			if (scenario === undefined) {
				return;
			}
			result.sent += 1;
			const planned = scenario.build(state);
			result.byScenario.set(planned.scenario, (result.byScenario.get(planned.scenario) ?? 0) + 1);
			await sendAndCheck(options.url, planned, result);
		}
	};

	await Promise.all(Array.from({ length: options.concurrency }, worker));
	return result;
}

function makeState(options: DriveOptions): ScenarioState {
	const cursors = new Map<Role, number>();
	return {
		callers: options.callers,
		now: options.now,
		orders: new Map(),
		next(role) {
			const list = options.callers.get(role) ?? [];
			const cursor = cursors.get(role) ?? 0;
			cursors.set(role, cursor + 1);
			const caller = list[cursor % list.length];
			if (caller === undefined) {
				throw new Error(`no caller with role ${role}`);
			}
			return caller;
		},
	};
}

async function sendAndCheck(
	url: string,
	planned: PlannedRequest,
	result: DriveResult,
): Promise<void> {
	const fail = (reason: string) => {
		result.wrong += 1;
		if (result.failures.length < MAX_KEPT_FAILURES) {
			result.failures.push(`${planned.scenario}: ${planned.method} ${planned.path}: ${reason}`);
		}
	};

	let response: Response;
	let text: string;
	try {
		response = await fetch(`${url}${planned.path}`, {
			method: planned.method,
			headers: planned.headers,
			...(planned.body === undefined ? {} : { body: planned.body }),
			signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
		});
		text = await response.text();
	} catch (error) {
		result.failedRequests += 1;
		if (result.failures.length < MAX_KEPT_FAILURES) {
			result.failures.push(`${planned.scenario}: request failed: ${(error as Error).message}`);
		}
		return;
	}

	const { status } = response;
	// Every response of the Worker carries x-request-id. Without it, wrangler dev's
	// proxy sent the response, for example when it lost the connection to the Worker.
	if (status >= 500 && !response.headers.has("x-request-id")) {
		result.devServer5xx += 1;
		if (result.failures.length < MAX_KEPT_FAILURES) {
			result.failures.push(
				`${planned.scenario}: wrangler dev returned ${status}: ${text.slice(0, 120)}`,
			);
		}
		return;
	}

	result.checked += 1;
	if (status >= 500) {
		if (planned.injected && status === planned.expectedStatus) {
			result.injected5xx += 1;
		} else {
			result.unexpected5xx += 1;
		}
	}

	const body = parseJson(text);
	if (status === 429 && planned.limited && body?.code === "rate_limited") {
		result.rateLimited += 1;
		return;
	}
	if (status !== planned.expectedStatus) {
		fail(
			`expected ${planned.expectedStatus} ${planned.expectedCode ?? ""}, got ${status} ${String(body?.code ?? "")}`,
		);
		return;
	}
	if (planned.expectedCode !== undefined && body?.code !== planned.expectedCode) {
		fail(`expected code ${planned.expectedCode}, got ${String(body?.code)}`);
		return;
	}

	const reason = body === undefined ? "body is not JSON" : planned.checkBody?.(body, response);
	if (reason !== undefined) {
		fail(reason);
	}
}

function parseJson(text: string): Record<string, unknown> | undefined {
	try {
		const value: unknown = JSON.parse(text);
		return typeof value === "object" && value !== null
			? (value as Record<string, unknown>)
			: undefined;
	} catch {
		return undefined;
	}
}
