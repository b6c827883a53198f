import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { KvError } from "../../../cli/errors.ts";
import {
	buildWranglerArgs,
	KvStore,
	type KvTarget,
	parseBulkGetOutput,
	parseListOutput,
} from "../../../cli/kv.ts";
import { describeArgs } from "../../../cli/wrangler.ts";

const LOCAL: KvTarget = { remote: false, persistTo: undefined, env: undefined, config: undefined };
const KEY = `cert:sha256:${"a".repeat(64)}`;

describe("buildWranglerArgs", () => {
	it("targets local KV by default", () => {
		expect(buildWranglerArgs({ kind: "list", prefix: "cert:sha256:" }, LOCAL)).toEqual([
			"kv",
			"key",
			"list",
			"--prefix",
			"cert:sha256:",
			"--binding",
			"IDENTITIES",
			"--local",
		]);
	});

	it("passes --persist-to for local KV", () => {
		const target = { ...LOCAL, persistTo: "/tmp/state" };
		expect(buildWranglerArgs({ kind: "delete", key: KEY }, target)).toEqual([
			"kv",
			"key",
			"delete",
			KEY,
			"--binding",
			"IDENTITIES",
			"--local",
			"--persist-to",
			"/tmp/state",
		]);
	});

	it("builds remote put with env and config", () => {
		const target: KvTarget = {
			remote: true,
			persistTo: undefined,
			env: "production",
			config: "wrangler.toml",
		};
		expect(buildWranglerArgs({ kind: "put", key: KEY, value: '{"version":1}' }, target)).toEqual([
			"kv",
			"key",
			"put",
			KEY,
			'{"version":1}',
			"--binding",
			"IDENTITIES",
			"--remote",
			"--env",
			"production",
			"--config",
			"wrangler.toml",
		]);
	});

	it("builds remote bulk commands", () => {
		const target: KvTarget = { ...LOCAL, remote: true };
		expect(buildWranglerArgs({ kind: "bulk-put", file: "/tmp/rows.json" }, target)).toEqual([
			"kv",
			"bulk",
			"put",
			"/tmp/rows.json",
			"--binding",
			"IDENTITIES",
			"--remote",
		]);
		expect(buildWranglerArgs({ kind: "bulk-get", file: "/tmp/keys.json" }, target)).toEqual([
			"kv",
			"bulk",
			"get",
			"/tmp/keys.json",
			"--binding",
			"IDENTITIES",
			"--remote",
		]);
	});
});

describe("parseBulkGetOutput", () => {
	it("reads wrangler's local shape", () => {
		const output = JSON.stringify({ a: { value: "1" }, b: { value: null } });
		expect(parseBulkGetOutput(output, ["a", "b"])).toEqual(
			new Map([
				["a", "1"],
				["b", null],
			]),
		);
	});

	it("reads the REST API shape", () => {
		const output = JSON.stringify({ a: "1", b: null });
		expect(parseBulkGetOutput(output, ["a", "b", "c"])).toEqual(
			new Map([
				["a", "1"],
				["b", null],
				["c", null],
			]),
		);
	});

	it("skips a notice printed before the JSON", () => {
		const output = `Resource location: local\n\n${JSON.stringify({ a: { value: "1" } })}`;
		expect(parseBulkGetOutput(output, ["a"]).get("a")).toBe("1");
	});

	it.each([
		["no JSON", "Success!"],
		["an array", "[]"],
		["a number value", JSON.stringify({ a: 1 })],
		["truncated JSON", '{"a": {"value": "1"'],
	])("rejects %s", (_name, output) => {
		expect(() => parseBulkGetOutput(output, ["a"])).toThrow(KvError);
	});
});

describe("KvStore.getMany", () => {
	it("reads at most 100 keys per wrangler call", async () => {
		const calls: string[][] = [];
		const store = new KvStore(LOCAL, async (args) => {
			calls.push([...args]);
			const keys = JSON.parse(readFileSync(args[3] as string, "utf8")) as string[];
			const result = Object.fromEntries(keys.map((key) => [key, { value: `v-${key}` }]));
			return { exitCode: 0, stdout: JSON.stringify(result), stderr: "" };
		});

		const keys = Array.from({ length: 250 }, (_, index) => `k${index}`);
		const values = await store.getMany(keys);
		expect(calls.map((args) => args.slice(0, 3))).toEqual([
			["kv", "bulk", "get"],
			["kv", "bulk", "get"],
			["kv", "bulk", "get"],
		]);
		expect(values.size).toBe(250);
		expect(values.get("k249")).toBe("v-k249");
	});

	it("removes its temporary key file", async () => {
		let file = "";
		const store = new KvStore(LOCAL, async (args) => {
			file = args[3] as string;
			return { exitCode: 0, stdout: "{}", stderr: "" };
		});
		await store.get("k");
		expect(existsSync(file)).toBe(false);
	});
});

describe("parseListOutput", () => {
	it("returns the key names", () => {
		expect(parseListOutput('[\n  { "name": "a" },\n  { "name": "b", "metadata": {} }\n]')).toEqual([
			"a",
			"b",
		]);
	});

	it("rejects an entry without a name", () => {
		expect(() => parseListOutput('[{ "key": "a" }]')).toThrow(KvError);
	});
});

describe("describeArgs", () => {
	it("quotes arguments a shell would split", () => {
		expect(describeArgs(["kv", "key", "put", KEY, `{"a":"it's"}`])).toBe(
			`kv key put ${KEY} '{"a":"it'\\''s"}'`,
		);
	});
});
