// Declares the main module so `exports.default` from "cloudflare:workers" is typed in tests.
declare namespace Cloudflare {
	interface GlobalProps {
		mainModule: typeof import("../src/index.ts");
	}
}
