import { nanosToMillis, parseTimeOfDay, sydneyDate, sydneyDateOfMillis, sydneyHourOfMillis, sydneyOffsetMs, sydneyTimeOfDayMs } from '../../src/domain/sydney-time';

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

  it('takes nanosecond BigInt timestamps above 2^53 exactly', () => {
    const ns = 1725494536001032398n; // 2024-09-05T00:02:16.001Z
    expect(nanosToMillis(ns)).toBe(1725494536001);
    expect(sydneyDate(ns)).toBe('2024-09-05');
  });

  it('parses trading-hours times and refuses malformed ones', () => {
    expect(parseTimeOfDay('10:00')).toBe(36_000_000);
    expect(parseTimeOfDay('16:10:30')).toBe(58_230_000);
    expect(parseTimeOfDay('24:00')).toBe(86_400_000);
    expect(parseTimeOfDay('25:00')).toBeUndefined();
    expect(parseTimeOfDay('10h')).toBeUndefined();
  });
});
