import { describe, expect, it } from "vitest";
import {
	checkJsonShape,
	checkPathParameters,
	checkRequestSize,
	MAX_HEADER_BYTES,
	MAX_HEADER_COUNT,
	MAX_JSON_ARRAY_LENGTH,
	MAX_JSON_DEPTH,
	MAX_PATH_PARAMETER_LENGTH,
	MAX_URL_LENGTH,
} from "../../src/http/limits.ts";
import type { Result } from "../../src/http/problems.ts";

function codeOf(result: Result<unknown>): string {
	return result.ok ? "ok" : result.denial.code;
}

function urlOfLength(length: number): string {
	const base = "https://api.example.com/";
	return base + "a".repeat(length - base.length);
}

function headers(count: number, valueLength = 1): Headers {
	const result = new Headers();
	for (let i = 0; i < count; i += 1) {
		result.set(`x-h${i}`, "v".repeat(valueLength));
	}
	return result;
}

function nested(depth: number): unknown {
	let value: unknown = 1;
	for (let i = 0; i < depth; i += 1) {
		value = [value];
	}
	return value;
}

describe("checkRequestSize", () => {
	it("accepts a URL at the limit and rejects one character more", () => {
		expect(codeOf(checkRequestSize(new Request(urlOfLength(MAX_URL_LENGTH))))).toBe("ok");
		expect(codeOf(checkRequestSize(new Request(urlOfLength(MAX_URL_LENGTH + 1))))).toBe(
			"uri_too_long",
		);
	});

	it("accepts the maximum header count and rejects one more", () => {
		const url = "https://api.example.com/";
		expect(codeOf(checkRequestSize(new Request(url, { headers: headers(MAX_HEADER_COUNT) })))).toBe(
			"ok",
		);
		expect(
			codeOf(checkRequestSize(new Request(url, { headers: headers(MAX_HEADER_COUNT + 1) }))),
		).toBe("request_header_fields_too_large");
	});

	it("accepts header bytes at the limit and rejects one byte more", () => {
		const url = "https://api.example.com/";
		const atLimit = new Headers({ "x-big": "v".repeat(MAX_HEADER_BYTES - "x-big".length) });
		const overLimit = new Headers({ "x-big": "v".repeat(MAX_HEADER_BYTES - "x-big".length + 1) });
		expect(codeOf(checkRequestSize(new Request(url, { headers: atLimit })))).toBe("ok");
		expect(codeOf(checkRequestSize(new Request(url, { headers: overLimit })))).toBe(
			"request_header_fields_too_large",
		);
	});
});

describe("checkPathParameters", () => {
	it("accepts a parameter at the length limit and rejects one character more", () => {
		expect(codeOf(checkPathParameters({ id: "a".repeat(MAX_PATH_PARAMETER_LENGTH) }))).toBe("ok");
		expect(codeOf(checkPathParameters({ id: "a".repeat(MAX_PATH_PARAMETER_LENGTH + 1) }))).toBe(
			"invalid_request",
		);
	});

	it.each(["a%2Fb", "a b", "é", "a;b", "a,b", "", "a%00"])("rejects %j", (value) => {
		expect(codeOf(checkPathParameters({ id: value }))).toBe("invalid_request");
	});

	it.each(["acme", "A-1_b.c~d", "0f0e2b4c-8a3e-4d5f-9c1a-2b3c4d5e6f70"])("accepts %j", (value) => {
		expect(codeOf(checkPathParameters({ id: value }))).toBe("ok");
	});
});

describe("checkJsonShape", () => {
	it("accepts nesting at the depth limit and rejects one level more", () => {
		expect(codeOf(checkJsonShape(nested(MAX_JSON_DEPTH)))).toBe("ok");
		expect(codeOf(checkJsonShape(nested(MAX_JSON_DEPTH + 1)))).toBe("invalid_request");
	});

	it("counts object nesting too", () => {
		let value: unknown = {};
		for (let i = 0; i < MAX_JSON_DEPTH; i += 1) {
			value = { a: value };
		}
		expect(codeOf(checkJsonShape(value))).toBe("invalid_request");
	});

	it("accepts an array at the length limit and rejects one element more", () => {
		expect(codeOf(checkJsonShape(new Array(MAX_JSON_ARRAY_LENGTH).fill(0)))).toBe("ok");
		expect(codeOf(checkJsonShape({ a: new Array(MAX_JSON_ARRAY_LENGTH + 1).fill(0) }))).toBe(
			"invalid_request",
		);
	});

	it("handles a document nested far beyond the limit without overflowing", () => {
		expect(codeOf(checkJsonShape(JSON.parse(`${"[".repeat(20_000)}${"]".repeat(20_000)}`)))).toBe(
			"invalid_request",
		);
	});
});
