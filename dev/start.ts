/**
 * `npm start`: the local mTLS endpoint. Generates the dev PKI when it is
 * missing or stale, seeds the local IDENTITIES KV, runs `wrangler dev` on
 * 127.0.0.1 and the HTTPS front door in front of it, and prints one curl
 * command per dev identity. Ctrl-C stops both.
 *
 * Options: --port (front door, default 8443), --worker-port (default 8787),
 * --inspector-port (default 9229). FRONT_DOOR_PORT sets --port too.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { curlCommands, shellPath } from "./curl-commands.ts";
import { startFrontDoor } from "./front-door/server.ts";
import { DEV_IDENTITIES_FILE, parseDevIdentities } from "./identities.ts";
import { generateDevPki } from "./pki/generate.ts";
import { pkiLayout } from "./pki/layout.ts";
import { staleReason } from "./pki/manifest.ts";
import { seedIdentities } from "./seed.ts";
import { startWranglerDev } from "./wrangler/dev-server.ts";

function readPorts(): { port: number; workerPort: number; inspectorPort: number } {
	const { values } = parseArgs({
		options: {
			port: { type: "string", default: process.env.FRONT_DOOR_PORT ?? "8443" },
			"worker-port": { type: "string", default: "8787" },
			"inspector-port": { type: "string", default: "9229" },
		},
	});

	const toPort = (name: string, value: string) => {
		const port = Number(value);
		if (!Number.isInteger(port) || port < 1 || port > 65_535) {
			throw new Error(`invalid --${name} "${value}": use a TCP port number from 1 to 65535`);
		}
		return port;
	};

	return {
		port: toPort("port", values.port),
		workerPort: toPort("worker-port", values["worker-port"]),
		inspectorPort: toPort("inspector-port", values["inspector-port"]),
	};
}

async function main(): Promise<void> {
	const ports = readPorts();
	const identitiesText = await readFile(DEV_IDENTITIES_FILE, "utf8");
	const identities = parseDevIdentities(identitiesText);
	let layout = pkiLayout();

	const reason = staleReason(layout, identitiesText, new Date());
	if (reason !== undefined) {
		console.log(`Generating the dev PKI (${reason}) …`);
		layout = await generateDevPki({ identitiesText });
	}

	console.log("Seeding the local IDENTITIES KV …");
	await seedIdentities({ identitiesText });

	console.log(`Starting wrangler dev on http://127.0.0.1:${ports.workerPort} …`);
	const worker = await startWranglerDev({
		port: ports.workerPort,
		inspectorPort: ports.inspectorPort,
		output: "inherit",
	});

	const frontDoor = await startFrontDoor({
		port: ports.port,
		workerUrl: worker.url,
		serverCertificatePem: await readFile(layout.serverCertificate, "utf8"),
		serverKeyPem: await readFile(layout.serverKey, "utf8"),
		clientCaPems: [await readFile(layout.clientCa, "utf8")],
		crlPems: [await readFile(layout.clientCrl, "utf8")],
	}).catch(async (error: unknown) => {
		await worker.stop();
		throw new Error(
			`the front door could not listen on 127.0.0.1:${ports.port} (${(error as Error).message}). Pick another port with --port.`,
		);
	});

	printWelcome(frontDoor.url, worker.url, layout, identities);

	let stopping = false;
	const stop = async (signal: string) => {
		if (stopping) {
			return;
		}
		stopping = true;
		console.log(`\n${signal}: stopping the front door and wrangler dev …`);
		await frontDoor.close();
		await worker.stop();
		process.exit(0);
	};
	process.on("SIGINT", () => void stop("SIGINT"));
	process.on("SIGTERM", () => void stop("SIGTERM"));
}

function printWelcome(
	frontDoorUrl: string,
	workerUrl: string,
	layout: ReturnType<typeof pkiLayout>,
	identities: ReturnType<typeof parseDevIdentities>,
): void {
	const lines = [
		"",
		`mTLS front door: ${frontDoorUrl}  ->  wrangler dev at ${workerUrl}`,
		`CA to trust (server certificate): ${shellPath(layout.serverCa)}`,
		"Client certificates and keys under .dev/pki/clients/ are development credentials only.",
		"",
	];

	for (const curl of curlCommands(identities, layout, frontDoorUrl)) {
		lines.push(`# ${curl.description} -> ${curl.expected}`, `  ${curl.command}`);
	}

	lines.push("", "Press Ctrl-C to stop.", "");
	console.log(lines.join("\n"));
}

main().catch((error: unknown) => {
	console.error(`npm start failed: ${(error as Error).message}`);
	process.exit(1);
});
