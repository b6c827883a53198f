/**
 * Reads the JavaScript heap of the Worker's isolate through the DevTools
 * inspector that `wrangler dev` serves on `--inspector-port`. Unlike the
 * workerd process's resident memory, this excludes the dev runtime's own
 * buffers, so it shows whether the gate itself keeps memory per request.
 */

/** A heap reading that takes longer than this counts as missing. */
const CALL_TIMEOUT_MS = 5000;

export interface HeapMonitor {
	/** Used heap of the isolate in bytes, garbage included, or `undefined` when no reply came in time. */
	usedHeapBytes(): Promise<number | undefined>;
	close(): void;
}

/**
 * Connects to the inspector. No GC is forced: `HeapProfiler.collectGarbage`
 * often got no reply from workerd, while `Runtime.getHeapUsage` did.
 */
export async function openHeapMonitor(inspectorPort: number): Promise<HeapMonitor | undefined> {
	// wrangler's inspector proxy accepts tools that send a localhost Origin.
	const socket = new WebSocket(`ws://127.0.0.1:${inspectorPort}/ws`, {
		headers: { origin: "http://localhost" },
	});
	const pending = new Map<number, (result: unknown) => void>();
	let nextId = 0;

	// The proxy replays the execution context to each new client; calls sent before it are lost.
	const ready = new Promise<boolean>((resolve) => {
		socket.addEventListener("message", (event) => {
			const message = JSON.parse(String(event.data)) as {
				id?: number;
				method?: string;
				result?: unknown;
			};
			if (message.method === "Runtime.executionContextCreated") {
				resolve(true);
			}
			if (message.id !== undefined) {
				pending.get(message.id)?.(message.result);
				pending.delete(message.id);
			}
		});
		socket.addEventListener("error", () => resolve(false));
		setTimeout(() => resolve(false), CALL_TIMEOUT_MS * 3).unref();
	});
	if (!(await ready)) {
		socket.close();
		return undefined;
	}

	return {
		usedHeapBytes: () =>
			new Promise((resolve) => {
				nextId += 1;
				const id = nextId;
				const timer = setTimeout(() => {
					pending.delete(id);
					resolve(undefined);
				}, CALL_TIMEOUT_MS);
				pending.set(id, (result) => {
					clearTimeout(timer);
					resolve((result as { usedSize?: number } | undefined)?.usedSize);
				});
				socket.send(JSON.stringify({ id, method: "Runtime.getHeapUsage", params: {} }));
			}),
		close: () => socket.close(),
	};
}
