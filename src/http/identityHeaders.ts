/**
 * Step 2 of the pipeline: reject requests that carry headers asserting client
 * identity or certificate state. Only a trusted proxy may set such headers,
 * and on Cloudflare nothing in front of this Worker does, so any such header
 * came from the client and is a spoofing attempt or a misconfigured proxy.
 */
import { allow, deny, type Result } from "./problems.ts";

/** A header name matcher: the exact lowercase name, or a prefix when it ends in `*`. */
export interface HeaderMatcher {
	readonly exact: ReadonlySet<string>;
	readonly prefixes: readonly string[];
}

/** Header names and prefixes (ending in `*`) that the gate always rejects. */
export const DEFAULT_UNTRUSTED_HEADERS: readonly string[] = [
	"x-forwarded-client-cert",
	"client-cert",
	"client-cert-chain",
	"x-client-cert*",
	"x-ssl-client-*",
	"ssl-client-*",
	"x-forwarded-tls-client-cert*",
	"x-forwarded-user",
	"x-remote-user",
	"remote-user",
	"x-authenticated-user",
	"x-ssl-cert*",
	"x-client-verify",
	"x-client-dn",
	"x-client-s-dn",
	"x-arr-clientcert",
	"x-amzn-mtls-clientcert*",
	"x-forwarded-email",
	"x-forwarded-preferred-username",
	"x-forwarded-groups",
	"x-auth-request-*",
];

/** Compiles header patterns once per isolate; the request path only does lookups. */
export function compileHeaderMatcher(patterns: readonly string[]): HeaderMatcher {
	const exact = new Set<string>();
	const prefixes: string[] = [];

	for (const pattern of patterns) {
		const name = normalizeHeaderName(pattern.trim());
		if (name.endsWith("*")) {
			prefixes.push(name.slice(0, -1));
		} else if (name !== "") {
			exact.add(name);
		}
	}

	return { exact, prefixes };
}

/**
 * Denies the request when any header name matches. Underscores count as
 * hyphens, because CGI-style backends map both to the same variable
 * (`X_Forwarded_User` and `X-Forwarded-User` become `HTTP_X_FORWARDED_USER`).
 */
export function checkIdentityHeaders(headers: Headers, matcher: HeaderMatcher): Result<void> {
	for (const rawName of headers.keys()) {
		// `Headers` yields lowercase names, so only underscores need mapping.
		const name = rawName.includes("_") ? rawName.replaceAll("_", "-") : rawName;
		if (matcher.exact.has(name)) {
			return deny({ code: "untrusted_identity_header" });
		}
		for (const prefix of matcher.prefixes) {
			if (name.startsWith(prefix)) {
				return deny({ code: "untrusted_identity_header" });
			}
		}
	}

	return allow(undefined);
}

/** Lowercases a configured header name and maps `_` to `-`, as the request path compares them. */
function normalizeHeaderName(name: string): string {
	return name.toLowerCase().replaceAll("_", "-");
}
