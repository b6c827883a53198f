/**
 * Strict parser for the OpenSSL-style GMT time that Cloudflare sends in
 * `certNotBefore` and `certNotAfter`, for example `"Dec 22 19:39:00 2018 GMT"`.
 *
 * `Date.parse` is not used on purpose: it accepts many other layouts and rolls
 * impossible dates over (Feb 30 becomes Mar 2), so a malformed value could
 * widen the validity window instead of being rejected.
 */

const MONTHS: Readonly<Record<string, number>> = {
	Jan: 0,
	Feb: 1,
	Mar: 2,
	Apr: 3,
	May: 4,
	Jun: 5,
	Jul: 6,
	Aug: 7,
	Sep: 8,
	Oct: 9,
	Nov: 10,
	Dec: 11,
};

// OpenSSL pads a single-digit day with a space ("Jan  5"); no Cloudflare source
// shows one, so the unpadded form ("Jan 5") is accepted too. A zero-padded day
// ("Jan 05") is not a form OpenSSL prints and is rejected.
const OPENSSL_TIME =
	/^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) {1,2}([1-9]|[12]\d|3[01]) ([01]\d|2[0-3]):([0-5]\d):([0-5]\d) (\d{4}) GMT$/;

/**
 * Parses an OpenSSL GMT time into epoch milliseconds, or returns `undefined`
 * when the text is not exactly in that form or names no real instant.
 */
export function parseOpenSslTime(text: string): number | undefined {
	const match = OPENSSL_TIME.exec(text);
	if (match === null) {
		return undefined;
	}

	const [, monthName, dayText, hourText, minuteText, secondText, yearText] = match;
	const month = MONTHS[monthName as string] as number;
	const day = Number(dayText);
	const year = Number(yearText);

	// Two spaces are only valid before a single-digit day.
	const padded = text.charAt(4) === " ";
	if (padded && day > 9) {
		return undefined;
	}

	// Date.UTC maps years 0-99 to 1900-1999, and no certificate predates 1950.
	if (year < 1950) {
		return undefined;
	}

	const epochMs = Date.UTC(
		year,
		month,
		day,
		Number(hourText),
		Number(minuteText),
		Number(secondText),
	);
	const date = new Date(epochMs);
	if (date.getUTCMonth() !== month || date.getUTCDate() !== day) {
		return undefined;
	}

	return epochMs;
}
