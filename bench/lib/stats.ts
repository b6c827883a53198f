/** Order statistics and number formatting shared by the suites. */

/** Returns the `q` quantile (0–1) of `values` by linear interpolation; `NaN` when empty. */
export function quantile(values: readonly number[], q: number): number {
	if (values.length === 0) {
		return Number.NaN;
	}

	const sorted = [...values].sort((a, b) => a - b);
	const position = (sorted.length - 1) * q;
	const lower = Math.floor(position);
	const upper = Math.ceil(position);
	const lowerValue = sorted[lower] as number;
	const upperValue = sorted[upper] as number;
	return lowerValue + (upperValue - lowerValue) * (position - lower);
}

export function median(values: readonly number[]): number {
	return quantile(values, 0.5);
}

/** Formats nanoseconds in ns, µs or ms, whichever keeps three significant digits without an exponent. */
export function formatNanoseconds(ns: number): string {
	if (!Number.isFinite(ns)) {
		return "n/a";
	}
	if (ns < 999.5) {
		return `${ns.toPrecision(3)} ns`;
	}
	if (ns < 999_500) {
		return `${(ns / 1000).toPrecision(3)} µs`;
	}
	return `${(ns / 1e6).toPrecision(3)} ms`;
}

export function formatRatio(ratio: number): string {
	return Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : "n/a";
}

export function formatBytes(bytes: number): string {
	if (Math.abs(bytes) < 1024) {
		return `${bytes} B`;
	}
	if (Math.abs(bytes) < 1024 * 1024) {
		return `${(bytes / 1024).toFixed(1)} KiB`;
	}
	return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function formatCount(value: number): string {
	return value.toLocaleString("en-US");
}
