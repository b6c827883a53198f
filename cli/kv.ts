/**
 * The IDENTITIES namespace, reached through wrangler's `kv` commands.
 *
 * Reads use `wrangler kv bulk get` even for one key, because it returns null
 * for a missing key both locally and remotely, whereas a remote
 * `wrangler kv key get` of a missing key fails like any other error. Writes of
 * several records use `wrangler kv bulk put`, which sends up to
 * BULK_PUT_MAX_ENTRIES records in one request, so a rotation or an import is
 * not left half-written by a failure between two single writes.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KvError } from "./errors.ts";
import { assertWranglerSucceeded, runWrangler, type WranglerRunner } from "./wrangler.ts";

/** The binding name of the identity namespace in wrangler.toml. */
export const IDENTITIES_BINDING = "IDENTITIES";

/** Entries that wrangler 4 sends in one bulk write request; it splits larger files. */
export const BULK_PUT_MAX_ENTRIES = 1000;

/** Cloudflare's limit on keys in one bulk read. */
const BULK_GET_MAX_KEYS = 100;

/** The namespace that wrangler works on: local storage (the default) or the deployed one. */
export interface KvTarget {
	readonly remote: boolean;
	/** Local storage directory; wrangler's default is `.wrangler/state`, which `wrangler dev` uses too. */
	readonly persistTo: string | undefined;
	/** A wrangler environment (`[env.NAME]`), whose own IDENTITIES binding is used. */
	readonly env: string | undefined;
	/** Path of the wrangler configuration file; wrangler looks for one from the working directory up. */
	readonly config: string | undefined;
}

export interface KvEntry {
	readonly key: string;
	readonly value: string;
}

export type KvCommand =
	| { readonly kind: "bulk-get"; readonly file: string }
	| { readonly kind: "put"; readonly key: string; readonly value: string }
	| { readonly kind: "bulk-put"; readonly file: string }
	| { readonly kind: "list"; readonly prefix: string }
	| { readonly kind: "delete"; readonly key: string };

/** Builds the wrangler arguments for one KV command on a target. */
export function buildWranglerArgs(command: KvCommand, target: KvTarget): string[] {
	const args = commandArgs(command);
	args.push("--binding", IDENTITIES_BINDING);

	if (target.remote) {
		args.push("--remote");
	} else {
		args.push("--local");
		if (target.persistTo !== undefined) {
			args.push("--persist-to", target.persistTo);
		}
	}
	if (target.env !== undefined) {
		args.push("--env", target.env);
	}
	if (target.config !== undefined) {
		args.push("--config", target.config);
	}

	return args;
}

function commandArgs(command: KvCommand): string[] {
	switch (command.kind) {
		case "bulk-get":
			return ["kv", "bulk", "get", command.file];
		case "put":
			return ["kv", "key", "put", command.key, command.value];
		case "bulk-put":
			return ["kv", "bulk", "put", command.file];
		case "list":
			return ["kv", "key", "list", "--prefix", command.prefix];
		case "delete":
			return ["kv", "key", "delete", command.key];
	}
}

/** Reads and writes raw values of the IDENTITIES namespace through wrangler. */
export class KvStore {
	readonly target: KvTarget;
	readonly #run: WranglerRunner;

	constructor(target: KvTarget, run: WranglerRunner = runWrangler) {
		this.target = target;
		this.#run = run;
	}

	/** Returns the value of `key`, or `null` when the key does not exist. */
	async get(key: string): Promise<string | null> {
		const values = await this.getMany([key]);
		return values.get(key) ?? null;
	}

	/** Returns the value of each key, `null` for a missing one. */
	async getMany(keys: readonly string[]): Promise<Map<string, string | null>> {
		const values = new Map<string, string | null>();

		for (let start = 0; start < keys.length; start += BULK_GET_MAX_KEYS) {
			const chunk = keys.slice(start, start + BULK_GET_MAX_KEYS);
			const stdout = await this.#withJsonFile(chunk, (file) => ({ kind: "bulk-get", file }));
			for (const [key, value] of parseBulkGetOutput(stdout, chunk)) {
				values.set(key, value);
			}
		}

		return values;
	}

	async put(key: string, value: string): Promise<void> {
		await this.#execute({ kind: "put", key, value });
	}

	/** Writes every entry with one `wrangler kv bulk put`, in one request. */
	async putMany(entries: readonly KvEntry[]): Promise<void> {
		if (entries.length === 0) {
			return;
		}
		if (entries.length > BULK_PUT_MAX_ENTRIES) {
			// Callers check this first; more entries would go out in several requests.
			throw new KvError(
				`cannot write ${entries.length} entries in one request; the limit is ${BULK_PUT_MAX_ENTRIES}`,
			);
		}
		await this.#withJsonFile(entries, (file) => ({ kind: "bulk-put", file }));
	}

	/** Lists every key with `prefix`; wrangler follows the list cursor itself. */
	async listKeys(prefix: string): Promise<string[]> {
		const stdout = await this.#execute({ kind: "list", prefix });
		return parseListOutput(stdout);
	}

	async delete(key: string): Promise<void> {
		await this.#execute({ kind: "delete", key });
	}

	async #execute(command: KvCommand): Promise<string> {
		const args = buildWranglerArgs(command, this.target);
		const result = await this.#run(args);
		assertWranglerSucceeded(args, result);
		return result.stdout;
	}

	/** Writes `content` to a private temporary file for a bulk command, and removes it afterwards. */
	async #withJsonFile(content: unknown, command: (file: string) => KvCommand): Promise<string> {
		const directory = await mkdtemp(join(tmpdir(), "identity-cli-"));
		const file = join(directory, `${randomUUID()}.json`);
		try {
			await writeFile(file, JSON.stringify(content), { mode: 0o600 });
			return await this.#execute(command(file));
		} finally {
			await rm(directory, { recursive: true, force: true });
		}
	}
}

/**
 * Reads the output of `wrangler kv bulk get`. Locally wrangler 4 prints
 * `{ key: { value } }`; the REST API that `--remote` calls returns
 * `{ key: value }`. Both shapes are accepted.
 */
export function parseBulkGetOutput(
	stdout: string,
	keys: readonly string[],
): Map<string, string | null> {
	const parsed = parseJsonOutput(stdout, "wrangler kv bulk get");
	if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
		throw new KvError("wrangler kv bulk get printed something other than a JSON object");
	}

	const record = parsed as Record<string, unknown>;
	const values = new Map<string, string | null>();
	for (const key of keys) {
		const entry = Object.hasOwn(record, key) ? record[key] : null;
		const value =
			typeof entry === "object" && entry !== null && "value" in entry ? entry.value : entry;

		if (value !== null && value !== undefined && typeof value !== "string") {
			throw new KvError(`wrangler kv bulk get returned a value of type ${typeof value} for ${key}`);
		}
		values.set(key, value ?? null);
	}
	return values;
}

/** Reads the output of `wrangler kv key list`: a JSON array of `{ name, … }`. */
export function parseListOutput(stdout: string): string[] {
	const parsed = parseJsonOutput(stdout, "wrangler kv key list");
	if (!Array.isArray(parsed)) {
		throw new KvError("wrangler kv key list printed something other than a JSON array");
	}

	return parsed.map((entry: unknown) => {
		if (
			typeof entry !== "object" ||
			entry === null ||
			typeof (entry as { name?: unknown }).name !== "string"
		) {
			throw new KvError("wrangler kv key list printed an entry without a name");
		}
		return (entry as { name: string }).name;
	});
}

function parseJsonOutput(stdout: string, command: string): unknown {
	// Locally wrangler prints a short "Resource location" notice before some
	// results, so parsing starts at the first bracket of the JSON document.
	const start = stdout.search(/^[[{]/m);
	if (start === -1) {
		throw new KvError(`${command} printed no JSON`);
	}
	try {
		return JSON.parse(stdout.slice(start));
	} catch {
		throw new KvError(`${command} printed invalid JSON`);
	}
}
