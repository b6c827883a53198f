/**
 * The CLI as operators run it: a child process, its messages on stderr and
 * its exit code. Each case fails before any KV access, so no wrangler runs.
 */
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCa, createLeaf, makeTempDir, pkcs8Pem, writeFixture } from "./certificates.ts";
import { runCli } from "./cliProcess.ts";

let directory: string;
let certPath: string;
let keyPath: string;
let garbagePath: string;
let emptyPath: string;

beforeAll(async () => {
	directory = await makeTempDir("identity-cli-process-");
	const ca = await createCa();
	const leaf = await createLeaf(ca, {
		commonName: "svc-process",
		serialNumber: "0e",
		notBefore: new Date("2020-01-01T00:00:00Z"),
		notAfter: new Date("2099-01-01T00:00:00Z"),
	});
	certPath = await writeFixture(directory, "leaf.pem", leaf.pem);
	keyPath = await writeFixture(directory, "leaf.key", await pkcs8Pem(leaf.keys));
	garbagePath = await writeFixture(
		directory,
		"garbage.bin",
		new Uint8Array([0x00, 0xff, 0x13, 0x37, 0x42]),
	);
	emptyPath = await writeFixture(directory, "empty.pem", "");
});

afterAll(async () => {
	await rm(directory, { recursive: true, force: true });
});

function addArgs(overrides: Record<string, string>): string[] {
	const options = {
		"--cert": certPath,
		"--principal": "svc-process",
		"--tenant": "acme",
		"--scope": "orders:read",
		...overrides,
	};
	return ["add", ...Object.entries(options).flat(), "--persist-to", directory];
}

describe("identity CLI bad input", () => {
	it.each([
		[
			"a private key",
			() => addArgs({ "--cert": keyPath }),
			"contains a private key (-----BEGIN PRIVATE KEY-----); it was not read further",
		],
		[
			"a garbage file",
			() => addArgs({ "--cert": garbagePath }),
			"is neither a PEM nor a DER certificate",
		],
		[
			"an empty file",
			() => addArgs({ "--cert": emptyPath }),
			"is empty; expected a PEM or DER certificate",
		],
		[
			"a 40-hex fingerprint",
			() => ["show", "--fingerprint", "ab".repeat(20)],
			"the length of a SHA-1 fingerprint",
		],
		[
			"a 128-hex fingerprint",
			() => ["show", "--fingerprint", "cd".repeat(64)],
			"128 hex characters; a SHA-256 fingerprint has 64",
		],
		[
			"an invalid tenant",
			() => addArgs({ "--tenant": "ACME_corp" }),
			'--tenant "ACME_corp" is invalid: invalid tenant id; expected',
		],
		[
			"an invalid scope",
			() => addArgs({ "--scope": "orders.read" }),
			'--scope "orders.read" is invalid: invalid scope; expected',
		],
	])("rejects %s with exit code 1", async (_name, args, message) => {
		const outcome = await runCli(args());
		expect(outcome.code).toBe(1);
		expect(outcome.stderr).toContain(`error: `);
		expect(outcome.stderr).toContain(message);
		expect(outcome.stdout).toBe("");
	});

	it("prints errors as JSON with --json", async () => {
		const outcome = await runCli(["fingerprint", emptyPath, "--json"]);
		expect(outcome.code).toBe(1);
		expect(JSON.parse(outcome.stderr).error).toContain("is empty");
	});

	it("prints the fingerprint only", async () => {
		const outcome = await runCli(["fingerprint", certPath]);
		expect(outcome.code).toBe(0);
		expect(outcome.stdout).toMatch(/^[0-9a-f]{64}\n$/);
	});
});
