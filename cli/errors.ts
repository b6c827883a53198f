/**
 * Errors the CLI reports, and the exit code of each. Every failure ends up as
 * one of these two classes, so the exit code shows who has to act: the operator
 * (fix the input) or the operator's environment (wrangler, login, KV).
 */

export const EXIT_SUCCESS = 0;
export const EXIT_USER_ERROR = 1;
export const EXIT_KV_FAILURE = 2;

/** Invalid input: a bad option, file, fingerprint or record. Exit code 1. */
export class UserError extends Error {
	override readonly name = "UserError";
	readonly exitCode = EXIT_USER_ERROR;
}

/** A wrangler run that failed or returned output this tool cannot read. Exit code 2. */
export class KvError extends Error {
	override readonly name = "KvError";
	readonly exitCode = EXIT_KV_FAILURE;
}

export type CliError = UserError | KvError;

export function isCliError(error: unknown): error is CliError {
	return error instanceof UserError || error instanceof KvError;
}
