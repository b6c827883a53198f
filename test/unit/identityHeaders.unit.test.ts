import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/config.ts";
import {
	checkIdentityHeaders,
	compileHeaderMatcher,
	DEFAULT_UNTRUSTED_HEADERS,
} from "../../src/http/identityHeaders.ts";

const defaults = compileHeaderMatcher(DEFAULT_UNTRUSTED_HEADERS);

function codeOf(headers: HeadersInit, matcher = defaults): string {
	const result = checkIdentityHeaders(new Headers(headers), matcher);
	return result.ok ? "ok" : result.denial.code;
}

describe("checkIdentityHeaders", () => {
	it.each([
		"x-forwarded-client-cert",
		"X-FORWARDED-CLIENT-CERT",
		"client-cert",
		"client-cert-chain",
		"x-client-cert",
		"x-client-cert-dn",
		"x-ssl-client-cert",
		"ssl-client-verify",
		"x-forwarded-tls-client-cert",
		"x-forwarded-tls-client-cert-info",
		"x-forwarded-user",
		"x-remote-user",
		"remote-user",
		"x-authenticated-user",
	])("denies %s", (name) => {
		expect(codeOf({ [name]: "" })).toBe("untrusted_identity_header");
	});

	it.each([
		"x-forwarded-for",
		"x-forwarded-host",
		"user-agent",
		"authorization",
		"client-certificate-hint",
		"x-user",
	])("allows %s", (name) => {
		expect(codeOf({ [name]: "value" })).toBe("ok");
	});

	it("denies a header named in the EXTRA_UNTRUSTED_HEADERS var, exact or by prefix", () => {
		const parsed = parseConfig({ EXTRA_UNTRUSTED_HEADERS: "X-Tenant-Override, x-acme-auth-*" });
		if (!parsed.ok) {
			throw new Error("configuration should parse");
		}
		const matcher = compileHeaderMatcher([
			...DEFAULT_UNTRUSTED_HEADERS,
			...parsed.config.extraUntrustedHeaders,
		]);

		expect(codeOf({ "x-tenant-override": "globex" }, matcher)).toBe("untrusted_identity_header");
		expect(codeOf({ "X-Acme-Auth-Principal": "admin" }, matcher)).toBe("untrusted_identity_header");
		expect(codeOf({ "x-tenant": "globex" }, matcher)).toBe("ok");
	});
});
