import { nanosToMillis, sydneyLocalNanos, parseTimeOfDay, sydneyDate, sydneyHour, sydneyDateOfMillis, sydneyHourOfMillis, sydneyOffsetMs, sydneyTimeOfDayMs } from '../../src/domain/sydney-time';

const fmt = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Australia/Sydney', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23',
});
function viaIntl(ms: number): { date: string; hour: number } {
  const p = Object.fromEntries(fmt.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, hour: Number(p.hour) };
}

describe('Sydney civil time', () => {
  // DST starts 2024-10-06 02:00 AEST (2024-10-05T16:00Z) and ends 2024-04-07 03:00 AEDT (2024-04-06T16:00Z).
  it.each([
    ['2024-10-05T15:59:59.999Z', 10 * 3600e3, '2024-10-06', 1],
    ['2024-10-05T16:00:00.000Z', 11 * 3600e3, '2024-10-06', 3],
    ['2024-04-06T15:59:59.999Z', 11 * 3600e3, '2024-04-07', 2],
    ['2024-04-06T16:00:00.000Z', 10 * 3600e3, '2024-04-07', 2],
    ['2025-04-05T15:30:00.000Z', 11 * 3600e3, '2025-04-06', 2],
    ['2025-10-04T16:30:00.000Z', 11 * 3600e3, '2025-10-05', 3],
  ])('at %s the offset is %d ms, the date %s and the hour %d', (iso, offset, date, hour) => {
    const ms = Date.parse(iso);
    expect(sydneyOffsetMs(ms)).toBe(offset);
    expect(sydneyDateOfMillis(ms)).toBe(date);
    expect(sydneyHourOfMillis(ms)).toBe(hour);
  });

  // Before 2008 daylight time ran from the last Sunday of October to the last Sunday of March (with exceptions
  // such as 2000's Olympics and 2006's Commonwealth Games): a fixed post-2008 rule dates these wrongly.
  it.each([
    ['2007-10-15T13:30:00.000Z', '2007-10-15', 23], // AEST still: the post-2008 rule would say 2007-10-16, hour 0
    ['2007-10-27T16:00:00.000Z', '2007-10-28', 3], // the 2007 change (last Sunday of October)
    ['2007-03-24T15:59:59.999Z', '2007-03-25', 2], // AEDT until 2007-03-25 03:00 local
    ['2007-03-24T16:00:00.000Z', '2007-03-25', 2],
    ['2000-08-27T16:00:00.000Z', '2000-08-28', 3], // Olympic DST began 2000-08-27 local
    ['2006-04-01T16:00:00.000Z', '2006-04-02', 2], // Commonwealth Games: DST to 2006-04-02
    ['2008-04-05T15:30:00.000Z', '2008-04-06', 2], // the first year of the new rule
  ])('dates %s as %s, hour %d, by the zone history', (iso, date, hour) => {
    const ms = Date.parse(iso);
    expect(viaIntl(ms)).toEqual({ date, hour });
    expect(sydneyDateOfMillis(ms)).toBe(date);
    expect(sydneyHourOfMillis(ms)).toBe(hour);
  });

  it('agrees with the IANA tz database on 20,000 instants from 1990 to 2014 and every hour of each October and March', () => {
    const lo = Date.parse('1990-01-01T00:00:00Z'), hi = Date.parse('2014-12-31T00:00:00Z');
    let seed = 11;
    const next = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const instants: number[] = [];
    for (let i = 0; i < 20000; i++) instants.push(Math.floor(lo + next() * (hi - lo)));
    for (let y = 1990; y <= 2014; y++) {
      for (const month of [2, 3, 7, 9]) for (let d = 1; d <= 31; d++) for (let h = 0; h < 24; h++) instants.push(Date.UTC(y, month, d, h, 30));
    }
    const wrong = instants.filter((ms) => {
      const want = viaIntl(ms);
      return sydneyDateOfMillis(ms) !== want.date || sydneyHourOfMillis(ms) !== want.hour;
    });
    expect(instants.length).toBeGreaterThan(90_000);
    expect(wrong.map((ms) => new Date(ms).toISOString())).toEqual([]);
  });

  it('gives the local wall-clock nanoseconds of an instant (a local timestamp) exactly', () => {
    const ns = 1725494536001032398n; // 2024-09-05T00:02:16.001032398Z, AEST
    expect(sydneyLocalNanos(ns)).toBe(ns + 36_000_000_000_000n);
    const summer = BigInt(Date.parse('2024-12-02T01:00:00Z')) * 1_000_000n + 7n;
    expect(sydneyLocalNanos(summer)).toBe(BigInt(Date.parse('2024-12-02T12:00:00Z')) * 1_000_000n + 7n);
  });

  it('computes hours whose offset is not whole (local mean time before 1895) per instant', () => {
    const ms = Date.parse('1890-06-01T03:00:00Z');
    expect(sydneyOffsetMs(ms)).toBe((10 * 3600 + 4 * 60 + 52) * 1000);
    expect(sydneyTimeOfDayMs(ms)).toBe((13 * 3600 + 4 * 60 + 52) * 1000);
  });

  it('agrees with the IANA tz database on 20,000 instants from 2015 to 2035 and every hour around each change', () => {
    const lo = Date.parse('2015-01-01T00:00:00Z'), hi = Date.parse('2035-12-31T00:00:00Z');
    let seed = 7;
    const next = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const instants: number[] = [];
    for (let i = 0; i < 20000; i++) instants.push(Math.floor(lo + next() * (hi - lo)));
    for (let y = 2015; y <= 2035; y++) {
      for (const month of [3, 9]) {
        for (let d = 1; d <= 8; d++) for (let h = 0; h < 24; h++) instants.push(Date.UTC(y, month, d, h, 30));
      }
    }
    for (const ms of instants) {
      const want = viaIntl(ms);
      expect({ date: sydneyDateOfMillis(ms), hour: sydneyHourOfMillis(ms) }).toEqual(want);
      // Whole-hour offsets: the time of day is the local hour plus the instant's place within its UTC hour.
      expect(sydneyTimeOfDayMs(ms)).toBe(want.hour * 3_600_000 + (((ms % 3_600_000) + 3_600_000) % 3_600_000));
    }
  });

  it('floors nanoseconds to milliseconds as BigInt division does, on 0 to 2^64 - 1, around every multiple it can straddle, and beyond', () => {
    const byBigInt = (ns: bigint): number => Number(ns / 1_000_000n);
    const edges = [0n, 1n, 63n, 64n, 999_999n, 1_000_000n, 1_000_001n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n,
      -1n, -1_000_001n, 2n ** 64n, 2n ** 70n];
    for (const ns of edges) expect(nanosToMillis(ns)).toBe(byBigInt(ns));
    let s = 11;
    const r = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 200_000; i++) {
      // Random 64-bit values, and values a few ns either side of a whole millisecond.
      const ns = i % 2 === 0
        ? (BigInt(Math.floor(r() * 2 ** 32)) << 32n) + BigInt(Math.floor(r() * 2 ** 32))
        : BigInt(Math.floor(r() * 1.8e13)) * 1_000_000n + BigInt(Math.floor(r() * 7) - 3);
      if (ns < 0n) continue;
      if (nanosToMillis(ns) !== byBigInt(ns)) throw new Error(`${ns}: ${nanosToMillis(ns)} against ${byBigInt(ns)}`);
    }
  });

  it('takes nanosecond BigInt timestamps above 2^53 exactly', () => {
    const ns = 1725494536001032398n; // 2024-09-05T00:02:16.001Z
    expect(nanosToMillis(ns)).toBe(1725494536001);
    expect(sydneyDate(ns)).toBe('2024-09-05');
  });

  it('never gives the date of the hour remembered before, when an hour was asked for first', () => {
    const before = BigInt(Date.parse('2024-10-01T13:30:00Z')) * 1_000_000n; // 23:30 in Sydney (AEST)
    const after = before + 3_600_000_000_000n; // 00:30 the next day
    expect(sydneyDate(before)).toBe('2024-10-01');
    expect(sydneyHour(after)).toBe(0); // moves the remembered hour without working out its date
    expect(sydneyDate(after)).toBe('2024-10-02');
    expect(sydneyLocalNanos(before)).toBe(before + 36_000_000_000_000n);
    expect(sydneyDate(before)).toBe('2024-10-01');
  });

  it('parses trading-hours times and refuses malformed ones', () => {
    expect(parseTimeOfDay('10:00')).toBe(36_000_000);
    expect(parseTimeOfDay('16:10:30')).toBe(58_230_000);
    expect(parseTimeOfDay('24:00')).toBe(86_400_000);
    expect(parseTimeOfDay('25:00')).toBeUndefined();
    expect(parseTimeOfDay('10h')).toBeUndefined();
  });
});
