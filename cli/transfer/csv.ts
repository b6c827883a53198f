/**
 * CSV as RFC 4180 describes it: comma-separated fields, double quotes around
 * fields that contain a comma, quote or line break, and `""` for a quote
 * inside one. Issuer DNs contain commas, so quoting is not optional here.
 */
import { UserError } from "../errors.ts";

/** Parses CSV text into rows of fields. Accepts CRLF or LF line ends and a UTF-8 BOM. */
export function parseCsv(text: string, source: string): string[][] {
	const input = text.startsWith("\uFEFF") ? text.slice(1) : text;
	const rows: string[][] = [];
	let row: string[] = [];
	let field = "";
	let quoted = false;
	let line = 1;

	for (let index = 0; index < input.length; index++) {
		const character = input[index] as string;

		if (quoted) {
			if (character === '"' && input[index + 1] === '"') {
				field += '"';
				index++;
			} else if (character === '"') {
				quoted = false;
			} else {
				if (character === "\n") line++;
				field += character;
			}
			continue;
		}

		if (character === '"' && field === "") {
			quoted = true;
		} else if (character === '"') {
			throw new UserError(
				`${source}, line ${line}: a quote inside an unquoted field; quote the whole field`,
			);
		} else if (character === ",") {
			row.push(field);
			field = "";
		} else if (character === "\n" || character === "\r") {
			if (character === "\r" && input[index + 1] === "\n") index++;
			row.push(field);
			rows.push(row);
			row = [];
			field = "";
			line++;
		} else {
			field += character;
		}
	}

	if (quoted) {
		throw new UserError(`${source}: a quoted field is not closed before the end of the file`);
	}
	if (field !== "" || row.length > 0) {
		row.push(field);
		rows.push(row);
	}

	// Blank lines carry no record.
	return rows.filter((fields) => !(fields.length === 1 && fields[0] === ""));
}

/** Formats rows as CSV with CRLF line ends, quoting only the fields that need it. */
export function formatCsv(rows: readonly (readonly string[])[]): string {
	const lines = rows.map((fields) => fields.map(quoteField).join(","));
	return `${lines.join("\r\n")}\r\n`;
}

function quoteField(field: string): string {
	return /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}
