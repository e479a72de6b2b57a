/**
 * Australia/Sydney civil time from UTC instants, without Intl in the hot path.
 *
 * Rule (in force since 2008): AEST = UTC+10; AEDT = UTC+11 from 02:00 AEST on the first Sunday of October
 * to 03:00 AEDT on the first Sunday of April. Both changes happen at 16:00 UTC on the Saturday before.
 * Verified against Intl (IANA tz database) in the unit tests on both sides of each change.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** UTC ms of 16:00 UTC on the Saturday before the first Sunday of `month` (0-based) in `year`. */
function changeInstantMs(year: number, month: number): number {
  const firstOfMonth = new Date(Date.UTC(year, month, 1));
  const dow = firstOfMonth.getUTCDay(); // 0 = Sunday
  const firstSunday = 1 + ((7 - dow) % 7);
  return Date.UTC(year, month, firstSunday) - 8 * HOUR_MS; // Sunday 00:00 UTC - 8 h = Saturday 16:00 UTC
}

const yearCache = new Map<number, { dstEnd: number; dstStart: number }>();

function transitions(year: number): { dstEnd: number; dstStart: number } {
  let t = yearCache.get(year);
  if (!t) {
    t = { dstEnd: changeInstantMs(year, 3), dstStart: changeInstantMs(year, 9) };
    yearCache.set(year, t);
  }
  return t;
}

/** Offset of Sydney civil time from UTC at the given UTC instant, in ms (10 h or 11 h). */
export function sydneyOffsetMs(utcMs: number): number {
  const year = new Date(utcMs).getUTCFullYear();
  const { dstEnd, dstStart } = transitions(year);
  // Daylight time runs from the October change to the April change of the next year.
  const daylight = utcMs < dstEnd || utcMs >= dstStart;
  return (daylight ? 11 : 10) * HOUR_MS;
}

/** Nanoseconds since the epoch (exact BigInt) to whole milliseconds (safe as a number until year 287396). */
export function nanosToMillis(ns: bigint): number {
  return Number(ns / 1_000_000n);
}

// Sydney offsets are whole hours, so the offset and the Sydney date are constant within a UTC hour, and
// rows come in time order: remembering the last hour makes both a division and a compare.
let lastHour = NaN;
let lastOffset = 0;
let lastDate = '';

function hourOf(utcMs: number): number {
  const hour = Math.floor(utcMs / HOUR_MS);
  if (hour !== lastHour) {
    lastOffset = sydneyOffsetMs(utcMs);
    lastDate = dateText(utcMs + lastOffset);
    lastHour = hour;
  }
  return hour;
}

function dateText(localMs: number): string {
  const local = new Date(localMs);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth() + 1;
  const d = local.getUTCDate();
  return `${y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/** Sydney calendar date (YYYY-MM-DD) of a UTC instant in ms. */
export function sydneyDateOfMillis(utcMs: number): string {
  hourOf(utcMs);
  return lastDate;
}

/** Sydney local hour (0-23) of a UTC instant in ms. */
export function sydneyHourOfMillis(utcMs: number): number {
  const hour = hourOf(utcMs);
  return (((hour + lastOffset / HOUR_MS) % 24) + 24) % 24;
}

/** Sydney local time of day in ms since local midnight. */
export function sydneyTimeOfDayMs(utcMs: number): number {
  hourOf(utcMs);
  return (((utcMs + lastOffset) % DAY_MS) + DAY_MS) % DAY_MS;
}

/** Sydney calendar date of a nanosecond timestamp. */
export function sydneyDate(ns: bigint): string {
  return sydneyDateOfMillis(nanosToMillis(ns));
}

/** Sydney local hour of a nanosecond timestamp. */
export function sydneyHour(ns: bigint): number {
  return sydneyHourOfMillis(nanosToMillis(ns));
}

/** Parses "HH:MM" or "HH:MM:SS" into ms since midnight; undefined when malformed. */
export function parseTimeOfDay(text: string): number | undefined {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (!m) return undefined;
  const h = Number(m[1]), min = Number(m[2]), s = Number(m[3] ?? '0');
  if (h > 24 || min > 59 || s > 59 || (h === 24 && (min > 0 || s > 0))) return undefined;
  return ((h * 60 + min) * 60 + s) * 1000;
}
