/**
 * Australia/Sydney civil time from UTC instants, by the IANA tz database (DOMAIN.md section 4): the offset of
 * each UTC hour comes from Intl (Node's ICU carries the zone's whole history, so dates before the 2008 rule
 * change are right too) and is cached, so the hot path is a division and a compare.
 *
 * Since 1895 Sydney's offsets are whole hours and its changes fall on whole UTC hours, so one offset holds
 * for a whole UTC hour. An hour where that is not so (local mean time before 1895) is computed per instant.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

const zone = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Australia/Sydney', hourCycle: 'h23',
  year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
});

/** Offset of Sydney civil time from UTC at a UTC instant, in ms, straight from the tz database. */
function zoneOffsetMs(utcMs: number): number {
  const p: Record<string, number> = {};
  for (const part of zone.formatToParts(new Date(utcMs))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const local = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return local - (utcMs - (((utcMs % 1000) + 1000) % 1000));
}

const hourOffsets = new Map<number, number | null>();

/** Offset of Sydney civil time from UTC at the given UTC instant, in ms (10 h or 11 h since 1895). */
export function sydneyOffsetMs(utcMs: number): number {
  const hour = Math.floor(utcMs / HOUR_MS);
  let offset = hourOffsets.get(hour);
  if (offset === undefined) {
    const start = zoneOffsetMs(hour * HOUR_MS);
    offset = start === zoneOffsetMs(hour * HOUR_MS + HOUR_MS - 1) ? start : null;
    if (hourOffsets.size > 100_000) hourOffsets.clear();
    hourOffsets.set(hour, offset);
  }
  return offset ?? zoneOffsetMs(utcMs);
}

const TWO64 = 2n ** 64n;
/** A 64-bit timestamp's two 32-bit halves, read without a BigInt (typed arrays: a DataView's BigInt setter is slower). */
const nanos = new BigUint64Array(1);
const halves = new Uint32Array(nanos.buffer);
/** Where the low half is: typed arrays use the platform's byte order. */
const LOW = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 0 : 1;

/**
 * Nanoseconds since the epoch (exact BigInt) to whole milliseconds, floored (safe as a number until year
 * 287396). Every order, fill and trade asks for it, so a timestamp from 0 to 2^64 - 1 is divided in its
 * two 32-bit halves, exactly and with no BigInt: n = hi x 2^32 + lo, floor(n / 10^6) = floor((n >> 6) /
 * 15625), and with n >> 6 = hi x 2^26 + (lo >>> 6) and 2^26 = 4294 x 15625 + 15114 that is
 * hi x 4294 + floor((hi x 15114 + (lo >>> 6)) / 15625), every term below 2^53. Others divide as BigInts.
 */
export function nanosToMillis(ns: bigint): number {
  if (ns < 0n || ns >= TWO64) return Number(ns / 1_000_000n);
  nanos[0] = ns;
  const hi = halves[1 - LOW], lo = halves[LOW];
  return hi * 4294 + Math.floor((hi * 15114 + (lo >>> 6)) / 15625);
}

// The offset and the Sydney date are constant within a UTC hour (see above), and rows come in time order:
// remembering the last hour makes both a division and a compare. The date is worked out only when asked
// for: a job's fills come order by order, not in time order, and their hours and local times need only the
// offset, and building the date text at every change of hour would cost them more than the rest.
let lastHour = NaN;
let lastOffset = 0;
/** The Sydney date of lastHour; '' until asked for. */
let lastDate = '';

/** The Sydney offset at `utcMs`, remembering the last whole-offset UTC hour. */
function offsetAt(utcMs: number): number {
  const hour = Math.floor(utcMs / HOUR_MS);
  if (hour === lastHour) return lastOffset;
  const offset = sydneyOffsetMs(utcMs);
  if (hourOffsets.get(hour) !== null) {
    lastHour = hour;
    lastOffset = offset;
    lastDate = '';
  }
  return offset;
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
  const offset = offsetAt(utcMs);
  if (Math.floor(utcMs / HOUR_MS) !== lastHour) return dateText(utcMs + offset);
  if (lastDate === '') lastDate = dateText(utcMs + offset);
  return lastDate;
}

/** Sydney local time of day in ms since local midnight. */
export function sydneyTimeOfDayMs(utcMs: number): number {
  return (((utcMs + offsetAt(utcMs)) % DAY_MS) + DAY_MS) % DAY_MS;
}

/** Sydney local hour (0-23) of a UTC instant in ms. */
export function sydneyHourOfMillis(utcMs: number): number {
  return Math.floor(sydneyTimeOfDayMs(utcMs) / HOUR_MS);
}

/** Sydney wall-clock time of a nanosecond instant, as nanoseconds since 1970-01-01T00:00 local (a Parquet local timestamp). */
export function sydneyLocalNanos(ns: bigint): bigint {
  return ns + BigInt(offsetAt(nanosToMillis(ns))) * 1_000_000n;
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
