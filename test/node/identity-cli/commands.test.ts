import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fingerprintOf } from "../../../cli/fingerprint.ts";
import { main } from "../../../cli/identity.ts";
import { identityKey, parseIdentityRecord } from "../../../src/identity/record.ts";
import {
	CA_NAME_RFC2253,
	createCa,
	createLeaf,
	type GeneratedCertificate,
	makeTempDir,
	subjectKeyIdentifierOf,
	writeFixture,
} from "./certificates.ts";
import { createTestContext, writeCalls } from "./fakeWrangler.ts";

const NOW = new Date("2030-06-01T00:00:00Z");

let ca: GeneratedCertificate;
let certPath: string;
let secondCertPath: string;
let expiredCertPath: string;
let fingerprint: string;
let secondFingerprint: string;
let directory: string;

beforeAll(async () => {
	directory = await makeTempDir("identity-cli-commands-");
	ca = await createCa();
	const validity = {
		notBefore: new Date("2030-01-01T00:00:00Z"),
		notAfter: new Date("2031-01-01T00:00:00Z"),
	};

	const leaf = await createLeaf(ca, {
		commonName: "svc-billing",
		serialNumber: "936eacbe07f201df",
		...validity,
	});
	const second = await createLeaf(ca, {
		commonName: "svc-billing-2",
		serialNumber: "0c",
		...validity,
	});
	const expired = await createLeaf(ca, {
		commonName: "svc-old",
		serialNumber: "0d",
		notBefore: new Date("2020-01-01T00:00:00Z"),
		notAfter: new Date("2021-01-01T00:00:00Z"),
	});

	certPath = await writeFixture(directory, "leaf.pem", leaf.pem);
	secondCertPath = await writeFixture(directory, "second.der", second.der);
	expiredCertPath = await writeFixture(directory, "expired.pem", expired.pem);
	fingerprint = fingerprintOf(leaf.der);
	secondFingerprint = fingerprintOf(second.der);
});

afterAll(async () => {
	await rm(directory, { recursive: true, force: true });
});

const ADD = ["add", "--principal", "svc-billing", "--tenant", "acme", "--scope", "orders:read"];

async function run(test: ReturnType<typeof createTestContext>, argv: string[]): Promise<number> {
	return await main(argv, test.context);
}

function storedRecord(test: ReturnType<typeof createTestContext>, fp: string) {
	const value = test.wrangler.store.get(identityKey(fp));
	return value === undefined ? undefined : parseIdentityRecord(value);
}

describe("add", () => {
	it("writes a record the Worker's schema accepts", async () => {
		const test = createTestContext(NOW);
		expect(await run(test, [...ADD, "--cert", certPath, "--scope", "orders:write"])).toBe(0);
		expect(storedRecord(test, fingerprint)).toEqual({
			version: 1,
			principal: "svc-billing",
			tenantId: "acme",
			scopes: ["orders:read", "orders:write"],
			status: "active",
		});
	});

	it("writes with wrangler kv key put on local KV", async () => {
		const test = createTestContext(NOW);
		await run(test, [...ADD, "--cert", certPath, "--persist-to", "/tmp/state"]);
		const [put] = writeCalls(test.wrangler);
		expect(put?.slice(0, 4)).toEqual(["kv", "key", "put", identityKey(fingerprint)]);
		expect(put).toContain("--local");
		expect(put?.slice(-2)).toEqual(["--persist-to", "/tmp/state"]);
	});

	it("copies the pins in Cloudflare's formats", async () => {
		const test = createTestContext(NOW);
		await run(test, [
			...ADD,
			"--cert",
			certPath,
			"--pin-issuer",
			"--pin-issuer-ski",
			"--pin-serial",
		]);
		const record = storedRecord(test, fingerprint);
		expect(record?.issuerDN).toBe(CA_NAME_RFC2253);
		expect(record?.issuerSKI).toBe(subjectKeyIdentifierOf(ca.der).toUpperCase());
		expect(record?.serial).toBe("00936EACBE07F201DF");
	});

	it("turns a date-only --expires into midnight UTC", async () => {
		const test = createTestContext(NOW);
		await run(test, [...ADD, "--cert", certPath, "--expires", "2030-12-01"]);
		expect(storedRecord(test, fingerprint)?.expiresAt).toBe("2030-12-01T00:00:00Z");
	});

	it("rejects a past --expires", async () => {
		const test = createTestContext(NOW);
		expect(await run(test, [...ADD, "--cert", certPath, "--expires", "2030-01-01T00:00:00Z"])).toBe(
			1,
		);
		expect(test.stderr.join("\n")).toContain("--expires 2030-01-01T00:00:00Z is in the past");
		expect(writeCalls(test.wrangler)).toEqual([]);
	});

	it("rejects an existing record without --force", async () => {
		const test = createTestContext(NOW);
		await run(test, [...ADD, "--cert", certPath]);
		const before = test.wrangler.store.get(identityKey(fingerprint));

		expect(
			await run(test, [
				"add",
				"--principal",
				"other",
				"--tenant",
				"globex",
				"--scope",
				"orders:read",
				"--cert",
				certPath,
			]),
		).toBe(1);
		expect(test.stderr.join("\n")).toContain(
			"already exists in local KV in .wrangler/state (principal svc-billing of tenant acme); pass --force",
		);
		expect(test.wrangler.store.get(identityKey(fingerprint))).toBe(before);
	});

	it("overwrites an existing record with --force", async () => {
		const test = createTestContext(NOW);
		await run(test, [...ADD, "--cert", certPath]);
		expect(
			await run(test, [
				"add",
				"--principal",
				"other",
				"--tenant",
				"globex",
				"--scope",
				"orders:read",
				"--cert",
				certPath,
				"--force",
			]),
		).toBe(0);
		expect(storedRecord(test, fingerprint)?.principal).toBe("other");
	});

	it("writes nothing with --dry-run and prints the command", async () => {
		const test = createTestContext(NOW);
		expect(await run(test, [...ADD, "--cert", certPath, "--dry-run"])).toBe(0);
		expect(writeCalls(test.wrangler)).toEqual([]);
		expect(test.stdout.join("\n")).toContain(
			`Command: wrangler kv key put ${identityKey(fingerprint)} '{"version":1,`,
		);
	});

	it("prints the record as JSON with --json", async () => {
		const test = createTestContext(NOW);
		await run(test, [...ADD, "--cert", certPath, "--json"]);
		const output = JSON.parse(test.stdout.join("\n"));
		expect(output.key).toBe(identityKey(fingerprint));
		expect(output.record.principal).toBe("svc-billing");
		expect(output.replaced).toBe(false);
	});

	it("rejects an expired certificate with its dates", async () => {
		const test = createTestContext(NOW);
		expect(await run(test, [...ADD, "--cert", expiredCertPath])).toBe(1);
		expect(test.stderr.join("\n")).toContain(
			"has expired (valid from 2020-01-01T00:00:00Z to 2021-01-01T00:00:00Z); pass --force",
		);
		expect(test.wrangler.calls).toEqual([]);
	});

	it("accepts an expired certificate with --force", async () => {
		const test = createTestContext(NOW);
		expect(await run(test, [...ADD, "--cert", expiredCertPath, "--force"])).toBe(0);
	});

	it.each([
		["--tenant", "Acme Corp", '--tenant "Acme Corp" is invalid: invalid tenant id'],
		["--scope", "Orders:Read", '--scope "Orders:Read" is invalid: invalid scope'],
		["--scope", "orders", '--scope "orders" is invalid: invalid scope'],
		["--principal", "svc billing", '--principal "svc billing" is invalid: invalid principal'],
	])("rejects %s %s before any KV access", async (option, value, message) => {
		const test = createTestContext(NOW);
		const argv = [
			"add",
			"--cert",
			certPath,
			"--principal",
			"svc",
			"--tenant",
			"acme",
			"--scope",
			"orders:read",
		];
		argv[argv.indexOf(option) + 1] = value;
		expect(await run(test, argv)).toBe(1);
		expect(test.stderr.join("\n")).toContain(message);
		expect(test.wrangler.calls).toEqual([]);
	});

	it("rejects a duplicate scope through the record schema", async () => {
		const test = createTestContext(NOW);
		expect(await run(test, [...ADD, "--cert", certPath, "--scope", "orders:read"])).toBe(1);
		expect(test.stderr.join("\n")).toContain("scopes: duplicate scope");
	});

	it("requires at least one scope", async () => {
		const test = createTestContext(NOW);
		expect(
			await run(test, ["add", "--cert", certPath, "--principal", "svc", "--tenant", "acme"]),
		).toBe(1);
		expect(test.stderr.join("\n")).toContain("at least one --scope is required");
	});

	it("rejects an unknown option", async () => {
		const test = createTestContext(NOW);
		expect(await run(test, [...ADD, "--cert", certPath, "--scopes", "orders:read"])).toBe(1);
		expect(test.stderr.join("\n")).toMatch(/Unknown option '--scopes'.*run with --help/);
	});
});

describe("targets", () => {
	it("passes --remote and --env to every wrangler call", async () => {
		const test = createTestContext(NOW);
		await run(test, [...ADD, "--cert", certPath, "--remote", "--env", "staging"]);
		expect(test.wrangler.calls.length).toBeGreaterThan(0);
		for (const args of test.wrangler.calls) {
			expect(args).toContain("--remote");
			expect(args).not.toContain("--local");
			expect(args.slice(args.indexOf("--env"), args.indexOf("--env") + 2)).toEqual([
				"--env",
				"staging",
			]);
			expect(args.slice(args.indexOf("--binding"), args.indexOf("--binding") + 2)).toEqual([
				"--binding",
				"IDENTITIES",
			]);
		}
	});

	it.each([
		["show", () => ["show", "--cert", certPath]],
		["list", () => ["list"]],
		["disable", () => ["disable", "--cert", certPath]],
		["remove", () => ["remove", "--cert", certPath]],
		["rotate", () => ["rotate", "--from", certPath, "--to", secondCertPath]],
		["export", () => ["export"]],
	])("%s passes --remote to every wrangler call", async (_command, argv) => {
		const test = createTestContext(NOW);
		await run(test, [...ADD, "--cert", certPath]);
		const before = test.wrangler.calls.length;

		expect(await run(test, [...argv(), "--remote"])).toBe(0);
		const calls = test.wrangler.calls.slice(before);
		expect(calls.length).toBeGreaterThan(0);
		for (const args of calls) {
			expect(args).toContain("--remote");
			expect(args).not.toContain("--local");
		}
	});

	it("rejects --local with --remote", async () => {
		const test = createTestContext(NOW);
		expect(await run(test, [...ADD, "--cert", certPath, "--local", "--remote"])).toBe(1);
		expect(test.stderr.join("\n")).toContain("--local and --remote cannot be used together");
	});

	it("rejects --persist-to with --remote", async () => {
		const test = createTestContext(NOW);
		expect(await run(test, [...ADD, "--cert", certPath, "--remote", "--persist-to", "x"])).toBe(1);
		expect(test.stderr.join("\n")).toContain("--persist-to applies to local KV only");
	});

	it("exits 2 on wrangler failure", async () => {
		const test = createTestContext(NOW);
		test.wrangler.failWith("Authentication error [code: 10000]");
		expect(await run(test, [...ADD, "--cert", certPath, "--remote"])).toBe(2);
		const message = test.stderr.join("\n");
		expect(message).toContain("failed with exit code 1");
		expect(message).toContain("Authentication error [code: 10000]");
		expect(message).toContain("npx wrangler login");
	});
});

describe("show and list", () => {
	it("show finds a pasted fingerprint", async () => {
		const test = createTestContext(NOW);
		await run(test, [...ADD, "--cert", certPath]);
		const pasted = `SHA256 Fingerprint=${fingerprint.toUpperCase().match(/../g)?.join(":")}`;
		expect(await run(test, ["show", "--fingerprint", pasted])).toBe(0);
		expect(test.stdout.at(-1)).toContain("principal  svc-billing");
	});

	it("show marks an expired mapping", async () => {
		const test = createTestContext(NOW);
		await run(test, [...ADD, "--cert", certPath, "--expires", "2030-12-01", "--force"]);
		const later = createTestContext(new Date("2031-01-01T00:00:00Z"));
		for (const [key, value] of test.wrangler.store) later.wrangler.store.set(key, value);

		expect(await run(later, ["show", "--cert", certPath, "--json"])).toBe(0);
		expect(JSON.parse(later.stdout.at(-1) as string).expired).toBe(true);
		expect(await run(later, ["show", "--cert", certPath])).toBe(0);
		expect(later.stdout.at(-1)).toContain(
			"has expired: the Worker responds with 403 identity_expired",
		);
	});

	it("show exits 1 on unknown certificate", async () => {
		const test = createTestContext(NOW);
		expect(await run(test, ["show", "--cert", certPath])).toBe(1);
		expect(test.stderr.join("\n")).toContain(`no identity for fingerprint ${fingerprint}`);
	});

	it("show exits 1 on invalid value", async () => {
		const test = createTestContext(NOW);
		test.wrangler.store.set(identityKey(fingerprint), '{"version":1,"principal":"x"}');
		expect(await run(test, ["show", "--cert", certPath])).toBe(1);
		expect(test.stderr.join("\n")).toContain("not a valid identity record");
	});

	it("show requires exactly one selector", async () => {
		const test = createTestContext(NOW);
		expect(await run(test, ["show"])).toBe(1);
		expect(await run(test, ["show", "--cert", certPath, "--fingerprint", fingerprint])).toBe(1);
		expect(test.stderr.join("\n")).toContain("give exactly one of --cert FILE or --fingerprint FP");
	});

	it("list filters by tenant", async () => {
		const test = createTestContext(NOW);
		await run(test, [...ADD, "--cert", certPath]);
		await run(test, [
			"add",
			"--cert",
			secondCertPath,
			"--principal",
			"svc-2",
			"--tenant",
			"globex",
			"--scope",
			"orders:read",
		]);
		test.wrangler.store.set("cert:sha256:ABC", "{}");

		expect(await run(test, ["list", "--tenant", "globex", "--json"])).toBe(0);
		const output = JSON.parse(test.stdout.at(-1) as string);
		expect(
			output.identities.map((entry: { record: { principal: string } }) => entry.record.principal),
		).toEqual(["svc-2"]);
		expect(output.invalid).toEqual([
			{ key: "cert:sha256:ABC", reason: expect.stringContaining("64 lowercase hex") },
		]);
	});
});

describe("status changes", () => {
	it("disable prints worst-case delay", async () => {
		const test = createTestContext(NOW);
		await run(test, [...ADD, "--cert", certPath]);
		expect(await run(test, ["disable", "--cert", certPath])).toBe(0);
		expect(storedRecord(test, fingerprint)?.status).toBe("disabled");

		const output = test.stdout.at(-1) as string;
		expect(output).toContain("for up to 150 s");
		expect(output).toMatch(/KV propagation +up to 60 s/);
		expect(output).toMatch(/KV cacheTtl \(KV_CACHE_TTL_SECONDS\) +60 s/);
		expect(output).toMatch(/identity cache \(IDENTITY_CACHE_TTL_SECONDS\) +30 s/);
		expect(output).toContain("SSL/TLS > Client Certificates");
		expect(output).toContain("DELETE /zones/{zone_id}/client_certificates/{client_certificate_id}");
		expect(output).toContain("only for certificates of the Cloudflare-managed CA");
		expect(output).toContain(`cf.tls_client_auth.cert_fingerprint_sha256 eq "${fingerprint}"`);
	});

	it("disable succeeds when the config is unreadable", async () => {
		const test = createTestContext(NOW);
		await run(test, [...ADD, "--cert", certPath]);
		const context = {
			...test.context,
			readWorkerVars: async () => {
				throw new Error("Could not read wrangler.toml\nmore detail");
			},
		};

		expect(await main(["disable", "--cert", certPath], context)).toBe(0);
		expect(storedRecord(test, fingerprint)?.status).toBe("disabled");
		expect(test.stdout.at(-1)).toContain("for up to 150 s");
		expect(test.stdout.at(-1)).toContain(
			"the wrangler configuration could not be read (Could not read wrangler.toml)",
		);
	});

	it("revoke reports delay in JSON", async () => {
		const test = createTestContext(NOW);
		await run(test, [...ADD, "--cert", certPath]);
		expect(await run(test, ["revoke", "--fingerprint", fingerprint, "--json"])).toBe(0);
		const output = JSON.parse(test.stdout.at(-1) as string);
		expect(output.record.status).toBe("revoked");
		expect(output.propagation.totalSeconds).toBe(150);
	});

	it("enable rejects a revoked record", async () => {
		const test = createTestContext(NOW);
		await run(test, [...ADD, "--cert", certPath]);
		await run(test, ["revoke", "--cert", certPath]);
		expect(await run(test, ["enable", "--cert", certPath])).toBe(1);
		expect(test.stderr.join("\n")).toContain("is revoked, and revoked is final; pass --force");
		expect(storedRecord(test, fingerprint)?.status).toBe("revoked");

		expect(await run(test, ["enable", "--cert", certPath, "--force"])).toBe(0);
		expect(storedRecord(test, fingerprint)?.status).toBe("active");
	});

	it("disable of a disabled record writes nothing", async () => {
		const test = createTestContext(NOW);
		await run(test, [...ADD, "--cert", certPath]);
		await run(test, ["disable", "--cert", certPath]);
		const writes = writeCalls(test.wrangler).length;
		expect(await run(test, ["disable", "--cert", certPath])).toBe(0);
		expect(writeCalls(test.wrangler)).toHaveLength(writes);
	});

	it("disable --dry-run writes nothing", async () => {
		const test = createTestContext(NOW);
		await run(test, [...ADD, "--cert", certPath]);
		const writes = writeCalls(test.wrangler).length;
		expect(await run(test, ["disable", "--cert", certPath, "--dry-run"])).toBe(0);
		expect(writeCalls(test.wrangler)).toHaveLength(writes);
		expect(storedRecord(test, fingerprint)?.status).toBe("active");
	});

	it("remove deletes the key", async () => {
		const test = createTestContext(NOW);
		await run(test, [...ADD, "--cert", certPath]);
		expect(await run(test, ["remove", "--cert", certPath])).toBe(0);
		expect(test.wrangler.store.has(identityKey(fingerprint))).toBe(false);
		expect(test.wrangler.calls.at(-1)?.slice(0, 4)).toEqual([
			"kv",
			"key",
			"delete",
			identityKey(fingerprint),
		]);
	});
});

describe("rotate", () => {
	it("copies identity and disables old record", async () => {
		const test = createTestContext(NOW);
		await run(test, [...ADD, "--cert", certPath, "--scope", "orders:write", "--pin-serial"]);
		const writes = writeCalls(test.wrangler).length;

		expect(await run(test, ["rotate", "--from", certPath, "--to", secondCertPath])).toBe(0);
		expect(
			writeCalls(test.wrangler)
				.slice(writes)
				.map((args) => args.slice(0, 3)),
		).toEqual([["kv", "bulk", "put"]]);

		const rotated = storedRecord(test, secondFingerprint);
		expect(rotated).toMatchObject({
			principal: "svc-billing",
			tenantId: "acme",
			status: "active",
			serial: "0C",
		});
		expect(rotated?.scopes).toEqual(["orders:read", "orders:write"]);
		expect(storedRecord(test, fingerprint)?.status).toBe("disabled");
	});

	it("--grace sets old expiresAt", async () => {
		const test = createTestContext(NOW);
		await run(test, [...ADD, "--cert", certPath]);
		expect(
			await run(test, ["rotate", "--from", fingerprint, "--to", secondCertPath, "--grace", "24h"]),
		).toBe(0);
		const old = storedRecord(test, fingerprint);
		expect(old?.status).toBe("active");
		expect(old?.expiresAt).toBe("2030-06-02T00:00:00Z");
	});

	it.each(["24", "1w", "0h", "91d"])("rejects --grace %s", async (grace) => {
		const test = createTestContext(NOW);
		expect(
			await run(test, ["rotate", "--from", fingerprint, "--to", secondCertPath, "--grace", grace]),
		).toBe(1);
		expect(test.stderr.join("\n")).toContain(`--grace "${grace}"`);
	});

	it("rejects a disabled old record", async () => {
		const test = createTestContext(NOW);
		await run(test, [...ADD, "--cert", certPath]);
		await run(test, ["disable", "--cert", certPath]);
		expect(await run(test, ["rotate", "--from", certPath, "--to", secondCertPath])).toBe(1);
		expect(test.stderr.join("\n")).toContain("rotating would authorize its identity again");
		expect(test.wrangler.store.has(identityKey(secondFingerprint))).toBe(false);
	});
});

describe("import and export", () => {
	function row(fp: string, fields: Record<string, unknown> = {}) {
		return {
			fingerprint: fp,
			principal: "svc-a",
			tenantId: "acme",
			scopes: ["orders:read"],
			...fields,
		};
	}

	it("imports valid JSON rows with one bulk put", async () => {
		const test = createTestContext(NOW);
		const file = await writeFixture(
			directory,
			"ok.json",
			JSON.stringify([row(fingerprint), row(secondFingerprint.toUpperCase())]),
		);
		expect(await run(test, ["import", file])).toBe(0);
		expect(writeCalls(test.wrangler).map((args) => args.slice(0, 3))).toEqual([
			["kv", "bulk", "put"],
		]);
		expect(storedRecord(test, secondFingerprint)?.status).toBe("active");
	});

	it("rejects whole file on one bad row", async () => {
		const test = createTestContext(NOW);
		const file = await writeFixture(
			directory,
			"bad.json",
			JSON.stringify([
				row(fingerprint),
				row(secondFingerprint, { tenantId: "Acme" }),
				row("ab".repeat(20)),
				row(fingerprint, { scope: "x" }),
			]),
		);
		expect(await run(test, ["import", file])).toBe(1);
		const message = test.stderr.join("\n");
		expect(message).toContain("nothing was written; 3 problems");
		expect(message).toContain("item 2 is not a valid identity record: tenantId: invalid tenant id");
		expect(message).toContain("item 3: fingerprint");
		expect(message).toContain("40 hex characters");
		expect(message).toContain("item 4 is not a valid identity record");
		expect(writeCalls(test.wrangler)).toEqual([]);
	});

	it("rejects a duplicate fingerprint in one file", async () => {
		const test = createTestContext(NOW);
		const file = await writeFixture(
			directory,
			"duplicate.json",
			JSON.stringify([row(fingerprint), row(fingerprint.toUpperCase())]),
		);
		expect(await run(test, ["import", file])).toBe(1);
		expect(test.stderr.join("\n")).toContain("already appears in");
		expect(writeCalls(test.wrangler)).toEqual([]);
	});

	it("rejects existing keys without --force", async () => {
		const test = createTestContext(NOW);
		await run(test, [...ADD, "--cert", certPath]);
		const file = await writeFixture(
			directory,
			"existing.json",
			JSON.stringify([row(fingerprint), row(secondFingerprint)]),
		);
		const writes = writeCalls(test.wrangler).length;
		expect(await run(test, ["import", file])).toBe(1);
		expect(test.stderr.join("\n")).toContain(`${identityKey(fingerprint)} already exists`);
		expect(writeCalls(test.wrangler)).toHaveLength(writes);
		expect(await run(test, ["import", file, "--force"])).toBe(0);
	});

	it("imports CSV with a quoted issuer DN", async () => {
		const test = createTestContext(NOW);
		const csv = [
			"fingerprint,principal,tenantId,scopes,status,issuerDN",
			`${fingerprint},svc-a,acme,orders:read orders:write,disabled,"CN=Acme CA,O=Acme\\, Inc."`,
			"",
		].join("\r\n");
		const file = await writeFixture(directory, "rows.csv", csv);
		expect(await run(test, ["import", file])).toBe(0);
		expect(storedRecord(test, fingerprint)).toMatchObject({
			status: "disabled",
			scopes: ["orders:read", "orders:write"],
			issuerDN: "CN=Acme CA,O=Acme\\, Inc.",
		});
	});

	it("rejects an unknown CSV column", async () => {
		const test = createTestContext(NOW);
		const file = await writeFixture(
			directory,
			"columns.csv",
			`fingerprint,principal,tenant,scopes\n${fingerprint},a,acme,orders:read\n`,
		);
		expect(await run(test, ["import", file])).toBe(1);
		expect(test.stderr.join("\n")).toContain('unknown column "tenant"');
	});

	it.each(["json", "csv"])("export as %s reads back with import", async (format) => {
		const source = createTestContext(NOW);
		await run(source, [...ADD, "--cert", certPath, "--pin-issuer", "--expires", "2030-12-01"]);
		await run(source, [
			"add",
			"--cert",
			secondCertPath,
			"--principal",
			"svc-2",
			"--tenant",
			"globex",
			"--scope",
			"orders:read",
		]);
		const output = `${directory}/export.${format}`;
		expect(await run(source, ["export", "--format", format, "--output", output])).toBe(0);

		const target = createTestContext(NOW);
		expect(await run(target, ["import", output])).toBe(0);
		expect(new Map(target.wrangler.store)).toEqual(new Map(source.wrangler.store));
	});

	it("export rejects unusable entries", async () => {
		const test = createTestContext(NOW);
		await run(test, [...ADD, "--cert", certPath]);
		test.wrangler.store.set(identityKey(secondFingerprint), "not json");
		expect(await run(test, ["export"])).toBe(1);
		expect(test.stderr.join("\n")).toContain("contains 1 entry that the Worker cannot use");
		expect(await run(test, ["export", "--skip-invalid"])).toBe(0);
		expect(JSON.parse(test.stdout.at(-1) as string)).toHaveLength(1);
	});
});

describe("help", () => {
	it.each([
		"add",
		"show",
		"list",
		"disable",
		"enable",
		"revoke",
		"remove",
		"rotate",
		"import",
		"export",
		"fingerprint",
	])("%s --help prints usage with an example", async (command) => {
		const test = createTestContext(NOW);
		expect(await run(test, [command, "--help"])).toBe(0);
		expect(test.stdout.join("\n")).toMatch(new RegExp(`^Usage: identity ${command}`));
		expect(test.stdout.join("\n")).toContain("Example:\n  npm run identity -- ");
		expect(test.wrangler.calls).toEqual([]);
	});

	it("an unknown command exits with 1", async () => {
		const test = createTestContext(NOW);
		expect(await run(test, ["frobnicate"])).toBe(1);
		expect(test.stderr.join("\n")).toContain('unknown command "frobnicate"');
	});
});
