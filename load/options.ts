/** Command-line options of the load run. */
import { parseArgs } from "node:util";

export interface LoadOptions {
	/** Seconds of load after warm-up. */
	readonly durationSeconds: number;
	/** Requests after which the run stops even if time remains. */
	readonly maxRequests: number;
	/** Requests in flight at once. */
	readonly concurrency: number;
	/** Only scenarios whose name contains this text, to find which requests cost memory or time. */
	readonly only: string | undefined;
}

const USAGE = `usage: npm run load -- [--duration SECONDS] [--max-requests COUNT] [--concurrency COUNT]
  --duration      seconds of load, 1 to 3600 (default 60)
  --max-requests  stop after this many requests, 1 to 10,000,000 (default 1,000,000)
  --concurrency   requests in flight at once, 1 to 256 (default 16)
  --only TEXT     send only the scenarios whose name contains TEXT (default: the whole mix)`;

function whole(name: string, text: string | undefined, fallback: number, max: number): number {
	if (text === undefined) {
		return fallback;
	}
	const value = Number(text);
	if (!Number.isSafeInteger(value) || value < 1 || value > max) {
		throw new Error(
			`invalid --${name} ${JSON.stringify(text)}: use a whole number from 1 to ${max}\n${USAGE}`,
		);
	}
	return value;
}

export function parseOptions(argv: readonly string[]): LoadOptions {
	const { values } = parseArgs({
		args: [...argv],
		options: {
			duration: { type: "string" },
			"max-requests": { type: "string" },
			concurrency: { type: "string" },
			only: { type: "string" },
			help: { type: "boolean" },
		},
		strict: true,
	});
	if (values.help === true) {
		console.log(USAGE);
		process.exit(0);
	}

	return {
		durationSeconds: whole("duration", values.duration, 60, 3600),
		maxRequests: whole("max-requests", values["max-requests"], 1_000_000, 10_000_000),
		concurrency: whole("concurrency", values.concurrency, 16, 256),
		only: values.only,
	};
}
