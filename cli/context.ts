/**
 * Dependencies of a command on the outside world. The entry point passes the
 * real implementations, and tests pass fakes to check wrangler arguments
 * without running wrangler and to freeze the clock.
 */
import { KvStore, type KvTarget } from "./kv.ts";
import { readWorkerVars } from "./propagation.ts";
import { runWrangler, type WranglerRunner } from "./wrangler.ts";

export interface CliContext {
	readonly runWrangler: WranglerRunner;
	readonly readWorkerVars: (target: KvTarget) => Promise<Record<string, unknown>>;
	readonly now: () => Date;
	readonly stdout: (text: string) => void;
	readonly stderr: (text: string) => void;
}

export const processContext: CliContext = {
	runWrangler,
	readWorkerVars,
	now: () => new Date(),
	stdout: (text) => process.stdout.write(`${text}\n`),
	stderr: (text) => process.stderr.write(`${text}\n`),
};

export function openStore(context: CliContext, target: KvTarget): KvStore {
	return new KvStore(target, context.runWrangler);
}

/** Prints a command's result: the JSON document with `--json`, else the text. */
export function printResult(
	context: CliContext,
	json: boolean | undefined,
	document: unknown,
	text: string,
): void {
	context.stdout(json === true ? JSON.stringify(document, null, 2) : text);
}

/** Describes a target for messages: "local KV (DIR)" or "remote KV". */
export function describeTarget(target: KvTarget): string {
	const environment = target.env === undefined ? "" : `, environment ${target.env}`;
	if (target.remote) {
		return `remote KV${environment}`;
	}
	const directory = target.persistTo ?? ".wrangler/state";
	return `local KV in ${directory}${environment}`;
}
