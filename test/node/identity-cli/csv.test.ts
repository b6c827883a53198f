import { describe, expect, it } from "vitest";
import { UserError } from "../../../cli/errors.ts";
import { formatCsv, parseCsv } from "../../../cli/transfer/csv.ts";

describe("parseCsv", () => {
	it("splits fields and lines", () => {
		expect(parseCsv("a,b\n1,2\n", "test.csv")).toEqual([
			["a", "b"],
			["1", "2"],
		]);
	});

	it("accepts CRLF, a BOM and no final line end", () => {
		expect(parseCsv("\uFEFFa,b\r\n1,2", "test.csv")).toEqual([
			["a", "b"],
			["1", "2"],
		]);
	});

	it("reads quoted fields with commas, quotes and line breaks", () => {
		expect(parseCsv('"CN=a,O=b","say ""hi""","two\nlines"\n', "test.csv")).toEqual([
			["CN=a,O=b", 'say "hi"', "two\nlines"],
		]);
	});

	it("keeps empty fields", () => {
		expect(parseCsv("a,,c\n", "test.csv")).toEqual([["a", "", "c"]]);
	});

	it("skips blank lines", () => {
		expect(parseCsv("a\n\n\nb\n", "test.csv")).toEqual([["a"], ["b"]]);
	});

	it("rejects an unclosed quote", () => {
		expect(() => parseCsv('"abc\n', "test.csv")).toThrow(UserError);
		expect(() => parseCsv('"abc\n', "test.csv")).toThrow("a quoted field is not closed");
	});

	it("rejects a quote inside an unquoted field", () => {
		expect(() => parseCsv('ab"c\n', "test.csv")).toThrow(
			"test.csv, line 1: a quote inside an unquoted field",
		);
	});
});

describe("formatCsv", () => {
	it("quotes only the fields that need it", () => {
		expect(formatCsv([["a", "b,c", 'd"e', "f\ng"]])).toBe('a,"b,c","d""e","f\ng"\r\n');
	});

	it("round-trips through parseCsv", () => {
		const rows = [
			["fingerprint", "issuerDN"],
			["ab", "CN=Acme CA,O=Acme\\, Inc."],
		];
		expect(parseCsv(formatCsv(rows), "test.csv")).toEqual(rows);
	});
});
