/**
 * Cheap exact checks of raw text fields: the shard step keeps values as validated decimal text (exact for
 * 64-bit ids and nanosecond timestamps) and rejects a row whose field does not parse, with the reason.
 */

export function isUnsignedInt(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 20) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export function isSignedInt(s: string): boolean {
  return s.length > 0 && (s.charCodeAt(0) === 45 ? isUnsignedInt(s.slice(1)) : isUnsignedInt(s));
}

/** Unsigned integer that fits a JS number exactly (prices, quantities, order types). */
export function isSafeCount(s: string): boolean {
  return isUnsignedInt(s) && (s.length < 16 || Number.isSafeInteger(Number(s)));
}

/** Unsigned 64-bit integer (ids, sequences, nanosecond timestamps). */
export function isUint64(s: string): boolean {
  return isUnsignedInt(s) && (s.length < 20 || BigInt(s) <= 18446744073709551615n);
}

/**
 * Largest nanosecond time accepted, 2262-04-10T23:59:59.999999999Z: Parquet TIMESTAMP is a signed INT64, a
 * Sydney wall-clock time adds up to 11 hours, and readers take 2^63-1 itself as "infinity" (DuckDB).
 */
export const MAX_NANOS_TIME = 9223286399999999999n;

/** A nanosecond timestamp: an unsigned integer of at most MAX_NANOS_TIME. */
export function isNanosTime(s: string): boolean {
  return isUnsignedInt(s) && (s.length < 19 || BigInt(s) <= MAX_NANOS_TIME);
}

/** Trims only when needed (feeds that pad fields with spaces or tabs, at either end). */
export function clean(s: string | undefined): string {
  if (s === undefined) return '';
  const n = s.length;
  if (n === 0) return s;
  const a = s.charCodeAt(0), z = s.charCodeAt(n - 1);
  return a === 32 || a === 9 || z === 32 || z === 9 ? s.trim() : s;
}

/**
 * Why a text field cannot be kept as a key (security code, participant), or null: a control character
 * would make a phantom security that prints like another, and U+FFFD means the bytes were not UTF-8, where
 * two different byte strings would decode to the same code and merge.
 */
export function keyTextProblem(field: string, v: string, controls = true): string | null {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 0xfffd) return `${field} is not valid UTF-8`;
    if (controls && (c < 32 || c === 127)) return `${field} contains a control character (U+${c.toString(16).padStart(4, '0').toUpperCase()})`;
  }
  return null;
}
