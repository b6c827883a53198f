/**
 * Runs `wrangler <args>` and stops it, with its workerd children, when this
 * process's stdin closes (the parent exited, even by SIGKILL), on SIGINT or
 * SIGTERM, or after an optional lifetime. Usage:
 *
 *   node supervisor.ts <max lifetime in ms, 0 for none> <wrangler args…>
 */
import { spawn } from "node:child_process";
import { WRANGLER_JS, wranglerEnvironment } from "./run.ts";

/** Time wrangler gets to shut down cleanly before the whole group is killed. */
const GRACE_PERIOD_MS = 5_000;

const [lifetimeArgument, ...wranglerArgs] = process.argv.slice(2);
const maxLifetimeMs = Number(lifetimeArgument);

// A process group of its own, so stopping it also reaches workerd.
const child = spawn(process.execPath, [WRANGLER_JS, ...wranglerArgs], {
	env: wranglerEnvironment(),
	stdio: ["ignore", "inherit", "inherit"],
	detached: process.platform !== "win32",
});

let stopping = false;
function stop(reason: string): void {
	if (stopping) {
		return;
	}
	stopping = true;
	console.error(`[wrangler supervisor] stopping wrangler dev: ${reason}`);

	signalChild("SIGTERM");
	setTimeout(() => {
		signalChild("SIGKILL");
		process.exit(1);
	}, GRACE_PERIOD_MS).unref();
}

function signalChild(signal: NodeJS.Signals): void {
	if (child.pid === undefined) {
		return;
	}
	try {
		if (process.platform === "win32") {
			child.kill(signal);
		} else {
			process.kill(-child.pid, signal);
		}
	} catch {
		// The group is already gone.
	}
}

process.stdin.on("end", () => stop("parent process exited"));
process.stdin.on("close", () => stop("parent process exited"));
process.stdin.resume();
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));

if (Number.isFinite(maxLifetimeMs) && maxLifetimeMs > 0) {
	setTimeout(() => stop(`maximum lifetime of ${maxLifetimeMs} ms reached`), maxLifetimeMs).unref();
}

child.on("exit", (code, signal) => {
	// Workers of the group may outlive wrangler itself.
	signalChild("SIGKILL");
	process.exit(code ?? (signal === null ? 1 : 0));
});
