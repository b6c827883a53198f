// tsconfig.node.json checks bench/ with Node's types, where the Workers
// runtime module is unknown. This declares the one export bench/limiter uses.
declare module "cloudflare:workers" {
	export abstract class WorkerEntrypoint<Env = unknown> {
		protected readonly env: Env;
	}
}
