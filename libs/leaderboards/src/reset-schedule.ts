// Reset schedules: a 5-field cron expression (UTC) or one of the aliases daily, weekly, monthly.
//
//   minute hour day-of-month month day-of-week
//   0-59   0-23 1-31         1-12  0-7 (0 and 7 are Sunday)
//
// Each field is `*` or a comma list of `n`, `a-b`, `*/s`, `a-b/s` or `a/s` (a up to the field's
// maximum, every s). Months and weekdays also take names (jan-dec, sun-sat). As in Vixie cron,
// when both day fields are restricted a day matches if EITHER matches; otherwise both must.
// Not supported: `L`, `W`, `#`, `?`, seconds, years and time zones other than UTC.

export const RESET_ALIASES: Readonly<Record<string, string>> = {
  daily: '0 0 * * *',
  weekly: '0 0 * * 1',
  monthly: '0 0 1 * *',
};

export class ResetScheduleError extends Error {}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'day-of-week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

/** How far ahead `next` looks before declaring that a schedule never fires (e.g. `0 0 30 2 *`). */
const HORIZON_YEARS = 8;
const MAX_EXPRESSION_LENGTH = 100;

export interface ResetSchedule {
  /** The cron expression the schedule runs on (aliases expanded). */
  readonly expression: string;
  /** The first minute strictly after `after` that the schedule fires on, or null if none within 8 years. */
  next(after: Date): Date | null;
}

/** Parses a schedule; throws ResetScheduleError with a message fit for an API client. */
export function parseResetSchedule(text: string): ResetSchedule {
  const source = text.trim().toLowerCase();
  if (source.length === 0 || source.length > MAX_EXPRESSION_LENGTH) {
    throw new ResetScheduleError('reset_schedule must be a 5-field cron expression or daily, weekly or monthly');
  }
  const expression = RESET_ALIASES[source] ?? source;
  const parts = expression.split(/\s+/);
  if (parts.length !== 5) {
    throw new ResetScheduleError(`reset_schedule must have 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}`);
  }
  const sets = parts.map((part, i) => parseField(part, FIELDS[i]!));
  const [minutes, hours, daysOfMonth, months, daysOfWeek] = sets as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  if (daysOfWeek.delete(7)) daysOfWeek.add(0);
  const domRestricted = !parts[2]!.startsWith('*');
  const dowRestricted = !parts[4]!.startsWith('*');

  const dayMatches = (date: Date): boolean => {
    const dom = daysOfMonth.has(date.getUTCDate());
    const dow = daysOfWeek.has(date.getUTCDay());
    if (domRestricted && dowRestricted) return dom || dow;
    return dom && dow;
  };

  const schedule: ResetSchedule = {
    expression,
    next(after: Date): Date | null {
      // Start at the next whole minute, then skip whole months, days and hours that cannot match.
      const t = new Date(Math.floor(after.getTime() / 60_000) * 60_000 + 60_000);
      const limit = after.getTime() + HORIZON_YEARS * 366 * 86_400_000;
      while (t.getTime() <= limit) {
        if (!months.has(t.getUTCMonth() + 1)) {
          t.setUTCMonth(t.getUTCMonth() + 1, 1);
          t.setUTCHours(0, 0, 0, 0);
          continue;
        }
        if (!dayMatches(t)) {
          t.setUTCDate(t.getUTCDate() + 1);
          t.setUTCHours(0, 0, 0, 0);
          continue;
        }
        if (!hours.has(t.getUTCHours())) {
          t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
          continue;
        }
        if (!minutes.has(t.getUTCMinutes())) {
          t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
          continue;
        }
        return t;
      }
      return null;
    },
  };
  if (schedule.next(new Date(Date.UTC(2000, 0, 1))) === null) {
    throw new ResetScheduleError(`reset_schedule "${text.trim()}" never fires`);
  }
  return schedule;
}

function parseField(text: string, spec: FieldSpec): Set<number> {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const match = /^(\*|[a-z0-9]+(?:-[a-z0-9]+)?)(?:\/(\d+))?$/.exec(item);
    if (!match) throw fieldError(spec, `"${item}" is not *, n, a-b or a step (*/s, a-b/s)`);
    const [, range, stepText] = match as unknown as [string, string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1 || step > spec.max) throw fieldError(spec, `step "${stepText}" must be 1-${spec.max}`);
    let low: number;
    let high: number;
    if (range === '*') {
      low = spec.min;
      high = spec.name === 'day-of-week' ? 6 : spec.max;
    } else {
      const [from, to] = range.split('-') as [string, string | undefined];
      low = value(from, spec);
      // `a/s` means from a to the end of the field.
      high = to !== undefined ? value(to, spec) : stepText !== undefined ? spec.max : low;
      if (low > high) throw fieldError(spec, `range "${range}" runs backwards`);
    }
    for (let v = low; v <= high; v += step) values.add(v);
  }
  return values;
}

function value(text: string, spec: FieldSpec): number {
  const byName = spec.names?.indexOf(text) ?? -1;
  if (byName >= 0) return byName + (spec.name === 'month' ? 1 : 0);
  if (!/^\d{1,2}$/.test(text)) throw fieldError(spec, `"${text}" is not a number${spec.names ? ' or a name' : ''}`);
  const n = Number(text);
  if (n < spec.min || n > spec.max) throw fieldError(spec, `${n} is outside ${spec.min}-${spec.max}`);
  return n;
}

function fieldError(spec: FieldSpec, message: string): ResetScheduleError {
  return new ResetScheduleError(`reset_schedule ${spec.name}: ${message}`);
}
