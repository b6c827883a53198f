import { describe, expect, it } from "vitest";
import { isJsonMediaType, readJsonBody } from "../../src/http/body.ts";

function post(
	body: BodyInit,
	headers: Record<string, string> = { "content-type": "application/json" },
): Request {
	return new Request("https://api.example.com/", { method: "POST", body, headers });
}

function codeOf(result: Awaited<ReturnType<typeof readJsonBody>>): string {
	return result.ok ? "ok" : result.denial.code;
}

describe("readJsonBody", () => {
	it("parses a body at exactly the limit", async () => {
		const body = `"${"x".repeat(8)}"`;
		const result = await readJsonBody(post(body), body.length);
		expect(result).toEqual({ ok: true, value: "x".repeat(8) });
	});

	it("rejects a body one byte over the limit", async () => {
		const body = `"${"x".repeat(8)}"`;
		expect(codeOf(await readJsonBody(post(body), body.length - 1))).toBe("payload_too_large");
	});

	it("rejects a declared Content-Length over the limit before reading", async () => {
		const request = post("{}", { "content-type": "application/json", "content-length": "999999" });
		expect(codeOf(await readJsonBody(request, 100))).toBe("payload_too_large");
	});

	it("skips a UTF-8 byte order mark, as RFC 8259 allows", async () => {
		expect(await readJsonBody(post("\uFEFF{}"), 1024)).toEqual({ ok: true, value: {} });
	});

	it("counts bytes, not characters", async () => {
		const body = `"${"é".repeat(10)}"`;
		expect(codeOf(await readJsonBody(post(body), 12))).toBe("payload_too_large");
		expect(codeOf(await readJsonBody(post(body), 22))).toBe("ok");
	});

	it.each([
		["an empty body", ""],
		["trailing garbage", "{} x"],
	])("rejects %s as invalid_request", async (_name, body) => {
		expect(codeOf(await readJsonBody(post(body), 1024))).toBe("invalid_request");
	});
});

describe("isJsonMediaType", () => {
	it.each([
		["application/json", true],
		["application/json; charset=utf-8", true],
		["APPLICATION/JSON;CHARSET=UTF-8", true],
		['application/json; charset="utf-8"', true],
		["application/json; charset=utf-16", false],
		["application/json; boundary=x", false],
		["application/jsonp", false],
		["text/json", false],
		["", false],
		[null, false],
	])("returns %j as %s", (type, expected) => {
		expect(isJsonMediaType(type)).toBe(expected);
	});
});
