/**
 * Request body reading for JSON routes: media type, size limit enforced while
 * streaming, strict UTF-8 and JSON parsing. Validation against the route's
 * schema happens in `validate.ts`.
 */
import { allow, deny, type Result } from "./problems.ts";

/**
 * Reads and parses a JSON body of at most `maxBytes`. A `Content-Length` above
 * the limit is rejected before reading; without one (chunked), the stream is
 * cancelled as soon as the limit is passed.
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<Result<unknown>> {
	if (!isJsonMediaType(request.headers.get("content-type"))) {
		return deny({ code: "unsupported_media_type" });
	}

	const declaredLength = request.headers.get("content-length");
	if (declaredLength !== null && !(Number(declaredLength) <= maxBytes)) {
		return deny({ code: "payload_too_large" });
	}

	const bytes = await readLimited(request.body, maxBytes);
	if (bytes === undefined) {
		return deny({ code: "payload_too_large" });
	}

	let text: string;
	try {
		text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
	} catch {
		return deny({
			code: "invalid_request",
			errors: [{ path: "", message: "body is not valid UTF-8" }],
		});
	}

	try {
		return allow(JSON.parse(text) as unknown);
	} catch {
		return deny({
			code: "invalid_request",
			errors: [{ path: "", message: "body is not valid JSON" }],
		});
	}
}

/** Accepts `application/json`, optionally with `charset=utf-8`; every other type or parameter is rejected. */
export function isJsonMediaType(contentType: string | null): boolean {
	if (contentType === null) {
		return false;
	}

	const [type, ...parameters] = contentType.split(";").map((part) => part.trim().toLowerCase());
	if (type !== "application/json") {
		return false;
	}

	return parameters.every(
		(parameter) => parameter === "charset=utf-8" || parameter === 'charset="utf-8"',
	);
}

/** Returns the body bytes, or `undefined` once more than `maxBytes` arrived. */
async function readLimited(
	body: ReadableStream<Uint8Array> | null,
	maxBytes: number,
): Promise<Uint8Array | undefined> {
	if (body === null) {
		return new Uint8Array(0);
	}

	const chunks: Uint8Array[] = [];
	let total = 0;
	const reader = body.getReader();

	for (;;) {
		const { done, value } = await reader.read();
		if (done) {
			break;
		}

		total += value.byteLength;
		if (total > maxBytes) {
			await reader.cancel();
			return undefined;
		}
		chunks.push(value);
	}

	const bytes = new Uint8Array(total);
	let offset = 0;
	for (const chunk of chunks) {
		bytes.set(chunk, offset);
		offset += chunk.byteLength;
	}
	return bytes;
}
