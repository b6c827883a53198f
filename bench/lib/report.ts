/** The shape every suite returns, and the summary table the runner prints. */

export type Verdict = "met" | "missed" | "";

export interface SummaryRow {
	readonly suite: string;
	readonly measure: string;
	readonly value: string;
	/** The figure of the baseline measured in the same run, or "" when the row has none. */
	readonly baseline: string;
	readonly ratio: string;
	readonly target: string;
	readonly verdict: Verdict;
}

export interface SuiteResult {
	readonly suite: string;
	readonly rows: readonly SummaryRow[];
	/** Raw figures behind the rows, written to bench/results/ for the record. */
	readonly details: Readonly<Record<string, unknown>>;
}

export interface SuiteOptions {
	/** Shorter rounds and smaller counts, for `npm run bench -- --quick`. */
	readonly quick: boolean;
}

export function verdict(met: boolean): Verdict {
	return met ? "met" : "missed";
}

/** Formats rows as a Markdown table, which reads in a terminal and pastes into BENCHMARKS.md. */
export function markdownTable(rows: readonly SummaryRow[]): string {
	const header = ["suite", "measure", "value", "baseline", "ratio", "target", "result"];
	const lines = rows.map((row) => [
		row.suite,
		row.measure,
		row.value,
		row.baseline,
		row.ratio,
		row.target,
		row.verdict,
	]);
	const widths = header.map((title, column) =>
		Math.max(title.length, ...lines.map((line) => (line[column] as string).length)),
	);
	const format = (cells: readonly string[]): string =>
		`| ${cells.map((cell, column) => cell.padEnd(widths[column] as number)).join(" | ")} |`;

	return [
		format(header),
		format(widths.map((width) => "-".repeat(width))),
		...lines.map(format),
	].join("\n");
}

/** Writes a progress line to stderr, keeping stdout for the summary. */
export function progress(message: string): void {
	process.stderr.write(`[bench] ${message}\n`);
}
