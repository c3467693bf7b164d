import { describe, expect, it } from 'vitest';
import { parseResetSchedule, ResetScheduleError } from './reset-schedule.js';

const at = (iso: string) => new Date(iso);
const next = (expression: string, after: string) => parseResetSchedule(expression).next(at(after))?.toISOString();

describe(parseResetSchedule.name, () => {
  describe('aliases', () => {
    it('daily resets at 00:00 UTC', () => {
      expect(next('daily', '2026-03-10T13:45:00Z')).toBe('2026-03-11T00:00:00.000Z');
      expect(parseResetSchedule('daily').expression).toBe('0 0 * * *');
    });

    it('weekly resets on Monday 00:00 UTC', () => {
      // 2026-03-10 is a Tuesday.
      expect(next('weekly', '2026-03-10T13:45:00Z')).toBe('2026-03-16T00:00:00.000Z');
    });

    it('monthly resets on the 1st at 00:00 UTC, across a year end', () => {
      expect(next('monthly', '2026-12-15T00:00:00Z')).toBe('2027-01-01T00:00:00.000Z');
    });

    it('is case and whitespace tolerant', () => {
      expect(parseResetSchedule('  Daily ').expression).toBe('0 0 * * *');
    });
  });

  describe('next', () => {
    it('is strictly after the given time, at whole minutes', () => {
      expect(next('* * * * *', '2026-03-10T13:45:00Z')).toBe('2026-03-10T13:46:00.000Z');
      expect(next('* * * * *', '2026-03-10T13:45:59.999Z')).toBe('2026-03-10T13:46:00.000Z');
      expect(next('0 0 * * *', '2026-03-10T00:00:00Z')).toBe('2026-03-11T00:00:00.000Z');
    });

    it('supports lists, ranges and steps', () => {
      expect(next('*/15 * * * *', '2026-03-10T13:46:00Z')).toBe('2026-03-10T14:00:00.000Z');
      expect(next('5,35 * * * *', '2026-03-10T13:06:00Z')).toBe('2026-03-10T13:35:00.000Z');
      expect(next('0 9-17/4 * * *', '2026-03-10T13:01:00Z')).toBe('2026-03-10T17:00:00.000Z');
      expect(next('0 9-17/4 * * *', '2026-03-10T17:01:00Z')).toBe('2026-03-11T09:00:00.000Z');
      expect(next('30 2/12 * * *', '2026-03-10T03:00:00Z')).toBe('2026-03-10T14:30:00.000Z');
    });

    it('supports month and weekday names, and 7 as Sunday', () => {
      expect(next('0 12 * * sun', '2026-03-10T00:00:00Z')).toBe('2026-03-15T12:00:00.000Z');
      expect(next('0 12 * * 7', '2026-03-10T00:00:00Z')).toBe('2026-03-15T12:00:00.000Z');
      expect(next('0 0 1 jun-aug *', '2026-03-10T00:00:00Z')).toBe('2026-06-01T00:00:00.000Z');
      expect(next('0 0 * * mon-fri', '2026-03-13T12:00:00Z')).toBe('2026-03-16T00:00:00.000Z');
    });

    it('matches either day field when both are restricted (Vixie cron)', () => {
      // The 20th or any Friday: Friday the 13th comes first.
      expect(next('0 0 20 * fri', '2026-03-10T00:00:00Z')).toBe('2026-03-13T00:00:00.000Z');
      // Only one restricted: both must hold (`*/2` counts as unrestricted, as in cron).
      expect(next('0 0 */2 * fri', '2026-03-10T00:00:00Z')).toBe('2026-03-13T00:00:00.000Z');
      expect(next('0 0 * 3 fri', '2026-03-28T00:00:00Z')).toBe('2027-03-05T00:00:00.000Z');
    });

    it('finds rare dates such as February 29th', () => {
      expect(next('0 0 29 2 *', '2026-03-10T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
    });

    it('agrees with a minute-by-minute reference over 20 consecutive firings', () => {
      const expressions = ['*/7 */5 * * *', '13 4,16 1-10 * *', '0 0 * * 2,4', '45 23 28-31 * *', '0 */6 15 */2 mon'];
      for (const expression of expressions) {
        const schedule = parseResetSchedule(expression);
        let after = at('2026-01-30T22:10:00Z');
        for (let i = 0; i < 20; i++) {
          const expected = bruteForceNext(expression, after);
          const actual = schedule.next(after);
          expect(actual?.toISOString(), `${expression} after ${after.toISOString()}`).toBe(expected.toISOString());
          after = new Date(actual!.getTime() + 1_000);
        }
      }
    });
  });

  describe('errors', () => {
    const invalid: Array<[string, string]> = [
      ['', 'must be a 5-field cron expression or daily, weekly or monthly'],
      ['hourly', 'must have 5 fields'],
      ['* * * *', 'must have 5 fields'],
      ['60 * * * *', 'minute: 60 is outside 0-59'],
      ['* 24 * * *', 'hour: 24 is outside 0-23'],
      ['* * 0 * *', 'day-of-month: 0 is outside 1-31'],
      ['* * * 13 *', 'month: 13 is outside 1-12'],
      ['* * * * 8', 'day-of-week: 8 is outside 0-7'],
      ['5-1 * * * *', 'minute: range "5-1" runs backwards'],
      ['*/0 * * * *', 'minute: step "0" must be'],
      ['L * * * *', 'minute: "l" is not a number'],
      ['* * * foo *', 'month: "foo" is not a number or a name'],
      ['*,, * * * *', 'minute: "" is not'],
      ['0 0 30 2 *', 'never fires'],
      ['0 0 31 4,6,9,11 *', 'never fires'],
    ];
    for (const [expression, message] of invalid) {
      it(`rejects "${expression}"`, () => {
        expect(() => parseResetSchedule(expression)).toThrowError(ResetScheduleError);
        expect(() => parseResetSchedule(expression)).toThrowError(message);
      });
    }
  });
});

/** The next matching minute by testing every minute: slow, obviously right. */
function bruteForceNext(expression: string, after: Date): Date {
  const [minute, hour, dom, month, dow] = expression.split(' ') as [string, string, string, string, string];
  const t = new Date(Math.floor(after.getTime() / 60_000) * 60_000 + 60_000);
  for (let i = 0; i < 2 * 366 * 1440; i++, t.setTime(t.getTime() + 60_000)) {
    const domOk = fieldMatches(dom, t.getUTCDate(), 1, 31);
    const dowOk = fieldMatches(dow.replace('mon', '1'), t.getUTCDay(), 0, 6);
    const dayOk = !dom.startsWith('*') && !dow.startsWith('*') ? domOk || dowOk : domOk && dowOk;
    if (
      fieldMatches(minute, t.getUTCMinutes(), 0, 59) &&
      fieldMatches(hour, t.getUTCHours(), 0, 23) &&
      fieldMatches(month, t.getUTCMonth() + 1, 1, 12) &&
      dayOk
    ) {
      return t;
    }
  }
  throw new Error('no match within two years');
}

function fieldMatches(field: string, v: number, min: number, max: number): boolean {
  return field.split(',').some((item) => {
    const [range, step = '1'] = item.split('/') as [string, string | undefined];
    const [low, high] =
      range === '*'
        ? [min, max]
        : range.includes('-')
          ? range.split('-').map(Number)
          : [Number(range), item.includes('/') ? max : Number(range)];
    return v >= low! && v <= high! && (v - low!) % Number(step) === 0;
  });
}
