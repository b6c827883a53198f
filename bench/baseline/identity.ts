/**
 * The identity the baseline Worker reports for every caller. The benchmark
 * maps its warm-cache certificate to the same identity in the template, so
 * both Workers return byte-identical bodies and the comparison measures only
 * the work in front of the response.
 */
export const BASELINE_IDENTITY = {
	principal: "svc-billing",
	tenantId: "acme",
	scopes: ["orders:read", "orders:write"],
} as const;
