import { UserError } from "../errors.ts";

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Upper bound on a grace period: an old certificate that must keep working longer should keep its own record. */
const MAX_DURATION_SECONDS = 90 * 86_400;

/** Parses a duration such as `90s`, `30m`, `12h` or `7d` into seconds. */
export function parseDuration(text: string, option: string): number {
	const match = /^(\d{1,6})([smhd])$/.exec(text);
	if (match === null) {
		throw new UserError(
			`${option} "${text}" is invalid; use a number and a unit: 90s, 30m, 12h or 7d`,
		);
	}

	const seconds = Number(match[1]) * (UNIT_SECONDS[match[2] as string] as number);
	if (seconds === 0 || seconds > MAX_DURATION_SECONDS) {
		throw new UserError(`${option} "${text}" is out of range; use more than 0 and at most 90d`);
	}
	return seconds;
}
