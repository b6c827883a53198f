/**
 * Reads a client certificate from the bytes of a file, in the forms operators
 * have at hand: PEM (CRLF line ends and trailing spaces included), DER, and
 * percent-encoded PEM as some load balancers forward it. Returns the values
 * Cloudflare puts in `request.cf.tlsClientAuth` for that certificate.
 */
import { X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import { readCertificateFields } from "./certificateFields.ts";
import { DerError, readElement, TAG_SEQUENCE } from "./der.ts";
import { UserError } from "./errors.ts";
import { fingerprintOf } from "./fingerprint.ts";
import { describePrivateKeyDer, PRIVATE_KEY_PEM_LABEL } from "./privateKey.ts";

/** The values Cloudflare sends the Worker for a certificate, in Cloudflare's formats. */
export interface CertificateInfo {
	readonly der: Uint8Array;
	/** Lowercase hex SHA-256 of the DER, as `certFingerprintSHA256`. */
	readonly fingerprint: string;
	/** Uppercase hex of the serial's DER content, leading `00` kept, as `certSerial`. */
	readonly serial: string;
	/** OpenSSL's RFC 2253 form, as `certSubjectDNRFC2253`. */
	readonly subjectDN: string;
	/** OpenSSL's RFC 2253 form, as `certIssuerDNRFC2253`. */
	readonly issuerDN: string;
	/** The authority key identifier in uppercase hex, normally the issuer's SKI that Cloudflare sends as `certIssuerSKI`. */
	readonly issuerKeyIdentifier: string | undefined;
	readonly notBefore: Date;
	readonly notAfter: Date;
}

export interface DecodeOptions {
	/** Take the first certificate of a file that contains several, as in a chain file. */
	readonly leafFirst: boolean;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const PERCENT_ESCAPE = /%[0-9A-Fa-f]{2}/;
const BASE64_BODY = /^[A-Za-z0-9+/]*={0,2}$/;

/** Reads and decodes a certificate file. `path` appears in every error message. */
export async function readCertificateFile(
	path: string,
	options: DecodeOptions,
): Promise<CertificateInfo> {
	let bytes: Uint8Array;
	try {
		bytes = await readFile(path);
	} catch (error) {
		const reason = (error as NodeJS.ErrnoException).code ?? "read failed";
		throw new UserError(`cannot read certificate file ${path}: ${reason}`);
	}

	return parseCertificate(selectCertificate(decodeCertificates(bytes, path), path, options), path);
}

/**
 * Decodes the DER of every certificate in a file's bytes. Rejects private
 * keys before looking at anything else in the file.
 */
export function decodeCertificates(bytes: Uint8Array, source: string): Uint8Array[] {
	if (bytes.length === 0 || Buffer.from(bytes).toString("latin1").trim() === "") {
		throw new UserError(`${source} is empty; expected a PEM or DER certificate`);
	}

	const der = decodeDer(bytes, source);
	if (der !== undefined) {
		return der;
	}

	let text = Buffer.from(bytes).toString("latin1");
	rejectPrivateKeyPem(text, source);

	// Percent-decoding only: a `+` stays a `+`, because it is part of the
	// base64 alphabet and form decoding would turn it into a space.
	if (PERCENT_ESCAPE.test(text)) {
		text = percentDecode(text, source);
		rejectPrivateKeyPem(text, source);
	}

	return decodePem(text, source);
}

function decodeDer(bytes: Uint8Array, source: string): Uint8Array[] | undefined {
	if (bytes[0] !== TAG_SEQUENCE) {
		return undefined;
	}

	const elements: Uint8Array[] = [];
	try {
		let offset = 0;
		while (offset < bytes.length) {
			const element = readElement(bytes, offset);
			elements.push(bytes.subarray(element.start, element.end));
			offset = element.end;
		}
	} catch (error) {
		if (error instanceof DerError) {
			// Not DER after all; a text file may start with "0" (0x30).
			return undefined;
		}
		throw error;
	}

	if (elements.some((element) => element[0] !== TAG_SEQUENCE)) {
		throw new UserError(
			`${source} has data after its DER certificate that is not another certificate`,
		);
	}

	for (const element of elements) {
		const keyKind = describePrivateKeyDer(element);
		if (keyKind === "PKCS #12") {
			throw new UserError(
				`${source} is a PKCS #12 file, which usually contains a private key; it was not read ` +
					`further. Extract the certificate with: openssl pkcs12 -in ${source} -clcerts -nokeys`,
			);
		}
		if (keyKind !== undefined) {
			throw new UserError(
				`${source} contains a private key (DER, ${keyKind}); it was not read further. ` +
					"Pass the certificate file instead, and keep the private key where it was",
			);
		}
	}
	return elements;
}

function rejectPrivateKeyPem(text: string, source: string): void {
	const match = PRIVATE_KEY_PEM_LABEL.exec(text);
	if (match !== null) {
		throw new UserError(
			`${source} contains a private key (${match[0]}); it was not read further. ` +
				"Pass the certificate file instead, and keep the private key where it was",
		);
	}
}

function percentDecode(text: string, source: string): string {
	try {
		return decodeURIComponent(text);
	} catch {
		throw new UserError(`${source} looks percent-encoded but has an invalid % escape`);
	}
}

function decodePem(text: string, source: string): Uint8Array[] {
	const certificates: Uint8Array[] = [];
	const otherLabels: string[] = [];

	for (const match of text.matchAll(PEM_BLOCK)) {
		const label = match[1] as string;
		if (label !== "CERTIFICATE") {
			otherLabels.push(label);
			continue;
		}

		// CR, trailing spaces and line breaks are all whitespace here.
		const body = (match[2] as string).replace(/\s+/g, "");
		if (body.length % 4 !== 0 || !BASE64_BODY.test(body)) {
			throw new UserError(
				`${source}: certificate ${certificates.length + 1} has invalid base64 in its PEM body`,
			);
		}
		certificates.push(new Uint8Array(Buffer.from(body, "base64")));
	}

	if (certificates.length > 0) {
		return certificates;
	}
	if (otherLabels.length > 0) {
		throw new UserError(
			`${source} contains ${otherLabels.map((label) => `"${label}"`).join(", ")} ` +
				'but no "CERTIFICATE" PEM block',
		);
	}
	if (text.includes("-----BEGIN")) {
		throw new UserError(`${source} has a PEM BEGIN line without its matching END line`);
	}
	throw new UserError(`${source} is neither a PEM nor a DER certificate`);
}

function selectCertificate(
	certificates: readonly Uint8Array[],
	source: string,
	options: DecodeOptions,
): Uint8Array {
	if (certificates.length > 1 && !options.leafFirst) {
		throw new UserError(
			`${source} contains ${certificates.length} certificates; pass --leaf-first to use the ` +
				"first one (the leaf of a chain file), or give a file with the client certificate only",
		);
	}
	return certificates[0] as Uint8Array;
}

/** Parses one DER certificate into the values Cloudflare reports for it. */
export function parseCertificate(der: Uint8Array, source: string): CertificateInfo {
	let certificate: X509Certificate;
	try {
		certificate = new X509Certificate(der);
	} catch {
		throw new UserError(`${source} does not contain a valid X.509 certificate`);
	}

	let fields: ReturnType<typeof readCertificateFields>;
	try {
		fields = readCertificateFields(der);
	} catch (error) {
		const reason = error instanceof DerError ? error.message : "unexpected structure";
		throw new UserError(`${source}: cannot read the certificate's fields: ${reason}`);
	}

	return {
		der,
		fingerprint: fingerprintOf(der),
		serial: fields.serial,
		subjectDN: fields.subjectDN,
		issuerDN: fields.issuerDN,
		issuerKeyIdentifier: fields.authorityKeyIdentifier,
		notBefore: certificate.validFromDate,
		notAfter: certificate.validToDate,
	};
}

/**
 * Rejects a certificate outside its validity period at `now`, with both dates
 * in the message, because Cloudflare would not accept it either.
 */
export function checkValidity(info: CertificateInfo, now: Date, source: string): void {
	const period = `valid from ${formatDate(info.notBefore)} to ${formatDate(info.notAfter)}`;

	if (now < info.notBefore) {
		throw new UserError(`${source} is not yet valid (${period}); pass --force to map it anyway`);
	}
	if (now > info.notAfter) {
		throw new UserError(`${source} has expired (${period}); pass --force to map it anyway`);
	}
}

function formatDate(date: Date): string {
	return date.toISOString().replace(".000Z", "Z");
}
