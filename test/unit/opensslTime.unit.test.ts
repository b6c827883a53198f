import { describe, expect, it } from "vitest";
import { parseOpenSslTime } from "../../src/mtls/opensslTime.ts";

describe("parseOpenSslTime", () => {
	it.each([
		["Dec 22 19:39:00 2018 GMT", "2018-12-22T19:39:00.000Z"],
		["Jan  5 00:00:00 2030 GMT", "2030-01-05T00:00:00.000Z"],
		["Jan 5 00:00:00 2030 GMT", "2030-01-05T00:00:00.000Z"],
		["Feb 29 23:59:59 2024 GMT", "2024-02-29T23:59:59.000Z"],
		["Dec 31 23:59:59 9999 GMT", "9999-12-31T23:59:59.000Z"],
		["Jan  1 00:00:00 1950 GMT", "1950-01-01T00:00:00.000Z"],
	])("parses %j", (text, iso) => {
		expect(parseOpenSslTime(text)).toBe(Date.parse(iso));
	});

	it.each([
		["an impossible day", "Feb 30 00:00:00 2024 GMT"],
		["Feb 29 outside a leap year", "Feb 29 00:00:00 2023 GMT"],
		["Apr 31", "Apr 31 00:00:00 2024 GMT"],
		["day 0", "Jan  0 00:00:00 2024 GMT"],
		["day 32", "Jan 32 00:00:00 2024 GMT"],
		["a zero-padded day", "Jan 05 00:00:00 2024 GMT"],
		["two spaces before two digits", "Jan  15 00:00:00 2024 GMT"],
		["hour 24", "Jan 15 24:00:00 2024 GMT"],
		["minute 60", "Jan 15 00:60:00 2024 GMT"],
		["second 60", "Jan 15 00:00:60 2024 GMT"],
		["a lowercase month", "jan 15 00:00:00 2024 GMT"],
		["a full month name", "January 15 00:00:00 2024 GMT"],
		["UTC instead of GMT", "Jan 15 00:00:00 2024 UTC"],
		["no zone", "Jan 15 00:00:00 2024"],
		["a trailing space", "Jan 15 00:00:00 2024 GMT "],
		["a leading space", " Jan 15 00:00:00 2024 GMT"],
		["a two-digit year", "Jan 15 00:00:00 24 GMT"],
		["a year before 1950", "Jan 15 00:00:00 1949 GMT"],
		["fractional seconds", "Jan 15 00:00:00.5 2024 GMT"],
		["ISO 8601", "2024-01-15T00:00:00Z"],
		["an RFC 1123 date", "Mon, 15 Jan 2024 00:00:00 GMT"],
		["an empty string", ""],
	])("rejects %s", (_name, text) => {
		expect(parseOpenSslTime(text)).toBeUndefined();
	});
});
