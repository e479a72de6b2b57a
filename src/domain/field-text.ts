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

/** Trims only when needed (feeds that pad fields with spaces). */
export function clean(s: string | undefined): string {
  if (s === undefined) return '';
  const n = s.length;
  if (n === 0) return s;
  return s.charCodeAt(0) === 32 || s.charCodeAt(n - 1) === 32 || s.charCodeAt(n - 1) === 9 ? s.trim() : s;
}
