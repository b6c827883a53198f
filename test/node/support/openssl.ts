/**
 * Runs the `openssl` binary, when installed, as an independent reference for
 * certificate fields. Tests that need it are skipped without it.
 */
import { execFileSync, spawnSync } from "node:child_process";

export const OPENSSL_AVAILABLE =
	spawnSync("openssl", ["version"], { timeout: 10_000 }).status === 0;

/** Runs `openssl <args>` and returns stdout; throws with stderr on failure. */
export function openssl(args: readonly string[]): string {
	return execFileSync("openssl", args, { encoding: "utf8", timeout: 20_000 });
}

/** Runs `openssl x509 -noout <args> -in <file>` and returns the text after `<label>=`. */
export function opensslX509Field(file: string, args: readonly string[], label: string): string {
	const output = openssl(["x509", "-noout", "-in", file, ...args]);
	const line = output.split("\n").find((candidate) => candidate.startsWith(`${label}=`));
	if (line === undefined) {
		throw new Error(`openssl printed no ${label}= line:\n${output}`);
	}
	return line.slice(label.length + 1);
}

/** Reads an X.509v3 extension's value line, for example the hex of the subject key identifier. */
export function opensslExtension(file: string, extension: string): string {
	const output = openssl(["x509", "-noout", "-in", file, "-ext", extension]);
	const [, value] = output.trim().split("\n");
	return (value ?? "").trim().replace(/^keyid:/, "");
}
