/**
 * Validation of untrusted values (bodies, path parameters) against valibot
 * schemas, turning issues into the `errors` list of an `invalid_request`
 * problem. Only the path and the message of an issue are kept: valibot's
 * `input` and `received` quote the caller's value and never reach a response.
 */
import * as v from "valibot";
import { allow, deny, type FieldIssue, type Result } from "./problems.ts";

/** Maximum issues listed in one problem body. */
const MAX_LISTED_ISSUES = 20;

/** Maximum length of an issue path echoed back, because a path is built from the caller's own keys. */
const MAX_PATH_LENGTH = 200;

/** Path segments echoed as they are: identifier-like keys and array indexes. Others are replaced. */
const PLAIN_KEY = /^[A-Za-z0-9_$-]{1,64}$/;

export type AnySchema = v.GenericSchema<unknown, unknown>;

export function validate<S extends AnySchema>(schema: S, input: unknown): Result<v.InferOutput<S>> {
	const result = v.safeParse(schema, input);
	if (result.success) {
		return allow(result.output);
	}

	const errors: FieldIssue[] = result.issues.slice(0, MAX_LISTED_ISSUES).map((issue) => ({
		path: describePath(issue),
		message: describeIssue(issue),
	}));
	return deny({ code: "invalid_request", errors });
}

/**
 * Returns the dot path of an issue, with any key that is not a plain
 * identifier replaced by `(key)`, so arbitrary caller text is not echoed.
 */
function describePath(issue: v.BaseIssue<unknown>): string {
	const segments = (issue.path ?? []).map((item) => {
		const key = String(item.key);
		return PLAIN_KEY.test(key) ? key : "(key)";
	});
	return segments.join(".").slice(0, MAX_PATH_LENGTH);
}

/**
 * Builds a message from the issue's type and expectation. valibot's default
 * message ends in "but received <value>", which would quote the caller's input.
 */
function describeIssue(issue: v.BaseIssue<unknown>): string {
	if (issue.type === "strict_object" && issue.expected === "never") {
		return "unknown key is not allowed";
	}

	const expected = issue.expected ?? issue.type;
	if (issue.kind === "schema") {
		return `invalid type: expected ${expected}`;
	}
	return `invalid ${issue.type.replaceAll("_", " ")}: expected ${expected}`;
}
