/**
 * An in-memory stand-in for `wrangler kv`, for running CLI commands in-process:
 * it records every argument list and implements the five KV commands the CLI
 * uses with the output format wrangler 4 prints locally. The real wrangler is
 * exercised by the round-trip test.
 */
import { readFileSync } from "node:fs";
import type { CliContext } from "../../../cli/context.ts";
import type { WranglerResult } from "../../../cli/wrangler.ts";

export interface FakeWrangler {
	readonly store: Map<string, string>;
	readonly calls: string[][];
	/** Makes every later call fail like wrangler does, with this message. */
	failWith(message: string | undefined): void;
}

export interface TestContext {
	readonly context: CliContext;
	readonly wrangler: FakeWrangler;
	readonly stdout: string[];
	readonly stderr: string[];
}

const WORKER_VARS = { IDENTITY_CACHE_TTL_SECONDS: "30", KV_CACHE_TTL_SECONDS: "60" };

export function createTestContext(now = new Date("2030-06-01T00:00:00Z")): TestContext {
	const store = new Map<string, string>();
	const calls: string[][] = [];
	let failure: string | undefined;
	const stdout: string[] = [];
	const stderr: string[] = [];

	const run = async (args: readonly string[]): Promise<WranglerResult> => {
		calls.push([...args]);
		if (failure !== undefined) {
			return { exitCode: 1, stdout: "", stderr: `✘ [ERROR] ${failure}\n` };
		}
		return { exitCode: 0, stdout: answer(store, args), stderr: "" };
	};

	return {
		context: {
			runWrangler: run,
			readWorkerVars: async () => WORKER_VARS,
			now: () => now,
			stdout: (text) => stdout.push(text),
			stderr: (text) => stderr.push(text),
		},
		wrangler: {
			store,
			calls,
			failWith: (message) => {
				failure = message;
			},
		},
		stdout,
		stderr,
	};
}

function answer(store: Map<string, string>, args: readonly string[]): string {
	const [, group, verb, operand] = args;
	const command = `${group} ${verb}`;

	if (command === "bulk get") {
		const keys = JSON.parse(readFileSync(operand as string, "utf8")) as string[];
		const result: Record<string, { value: string | null }> = {};
		for (const key of keys) result[key] = { value: store.get(key) ?? null };
		return JSON.stringify(result, null, 2);
	}
	if (command === "key put") {
		store.set(operand as string, args[4] as string);
		return "Writing the value\n";
	}
	if (command === "bulk put") {
		const entries = JSON.parse(readFileSync(operand as string, "utf8")) as Array<{
			key: string;
			value: string;
		}>;
		for (const entry of entries) store.set(entry.key, entry.value);
		return "Success!\n";
	}
	if (command === "key list") {
		const prefix = args[args.indexOf("--prefix") + 1] as string;
		const names = [...store.keys()].filter((key) => key.startsWith(prefix)).sort();
		return JSON.stringify(
			names.map((name) => ({ name })),
			null,
			2,
		);
	}
	if (command === "key delete") {
		store.delete(operand as string);
		return "Deleting the key\n";
	}
	throw new Error(`the fake wrangler does not know ${args.join(" ")}`);
}

/** Returns the calls that wrote to KV. */
export function writeCalls(wrangler: FakeWrangler): string[][] {
	return wrangler.calls.filter(
		(args) =>
			(args[2] === "put" && (args[1] === "key" || args[1] === "bulk")) || args[2] === "delete",
	);
}
