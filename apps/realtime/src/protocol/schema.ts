// A small schema checker for inbound realtime events. Inputs arrive up to a hundred times a second
// per player, so this stays a few property checks per field (class-validator costs ~10 µs a call).
// Unknown fields are refused, like the HTTP API does.

export interface SchemaIssue {
  field: string;
  message: string;
}

export type Check<T> = (value: unknown, field: string, issues: SchemaIssue[]) => T;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: SchemaIssue[] };

export interface ObjectSchema<T> {
  readonly fields: { [K in keyof T]: Check<T[K]> };
  parse(value: unknown): ParseResult<T>;
}

/** Fields every event may carry: `type` (the /ws envelope) and `ref` (echoed in the /ws reply). */
const ENVELOPE_FIELDS = new Set(['type', 'ref']);
/**
 * Unknown fields named in one refusal: an event of thousands of tiny keys must not buy an error
 * reply many times its own size.
 */
const UNKNOWN_FIELDS_REPORTED = 10;

export function object<T>(fields: { [K in keyof T]: Check<T[K]> }): ObjectSchema<T> {
  const names = Object.keys(fields) as (keyof T & string)[];
  return {
    fields,
    parse(value) {
      const issues: SchemaIssue[] = [];
      const input = value === undefined || value === null ? {} : value;
      if (!isPlainObject(input)) return { ok: false, issues: [{ field: '', message: 'must be an object' }] };
      const record = input;
      const unknown = Object.keys(record).filter((key) => !(key in fields) && !ENVELOPE_FIELDS.has(key));
      for (const key of unknown.slice(0, UNKNOWN_FIELDS_REPORTED)) issues.push({ field: key, message: 'is not allowed' });
      if (unknown.length > UNKNOWN_FIELDS_REPORTED) {
        issues.push({ field: '', message: `${unknown.length - UNKNOWN_FIELDS_REPORTED} more fields are not allowed` });
      }
      const out = {} as T;
      for (const name of names) {
        const parsed = fields[name](record[name], name, issues);
        if (parsed !== undefined) out[name] = parsed;
      }
      return issues.length === 0 ? { ok: true, value: out } : { ok: false, issues };
    },
  };
}

/** A JSON object: Socket.IO also decodes binary attachments (Buffers), which no event accepts. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function fail<T>(issues: SchemaIssue[], field: string, message: string): T {
  issues.push({ field, message });
  return undefined as T;
}

export function optional<T>(check: Check<T>): Check<T | undefined> {
  return (value, field, issues) => (value === undefined || value === null ? undefined : check(value, field, issues));
}

export function string(options: { min?: number; max: number; pattern?: RegExp }): Check<string> {
  const min = options.min ?? 1;
  return (value, field, issues) => {
    if (typeof value !== 'string') return fail(issues, field, 'must be a string');
    if (value.length < min || value.length > options.max) return fail(issues, field, `must be ${min}–${options.max} characters`);
    if (value.includes('\u0000')) return fail(issues, field, 'must not contain NUL characters');
    if (options.pattern && !options.pattern.test(value)) return fail(issues, field, `must match ${String(options.pattern)}`);
    return value;
  };
}

export function number(options: { min: number; max: number; integer?: boolean }): Check<number> {
  return (value, field, issues) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return fail(issues, field, 'must be a finite number');
    if (options.integer && !Number.isInteger(value)) return fail(issues, field, 'must be an integer');
    if (value < options.min || value > options.max) return fail(issues, field, `must be between ${options.min} and ${options.max}`);
    return value;
  };
}

export function boolean(): Check<boolean> {
  return (value, field, issues) => (typeof value === 'boolean' ? value : fail(issues, field, 'must be a boolean'));
}

export function oneOf<const T extends string>(choices: readonly T[]): Check<T> {
  const allowed = new Set<string>(choices);
  return (value, field, issues) =>
    typeof value === 'string' && allowed.has(value) ? (value as T) : fail(issues, field, `must be one of ${choices.join(', ')}`);
}

export function array<T>(item: Check<T>, options: { min?: number; max: number }): Check<T[]> {
  const min = options.min ?? 0;
  return (value, field, issues) => {
    if (!Array.isArray(value)) return fail(issues, field, 'must be an array');
    if (value.length < min || value.length > options.max) return fail(issues, field, `must have ${min}–${options.max} items`);
    const before = issues.length;
    const out = value.map((entry, index) => item(entry, `${field}[${index}]`, issues));
    return issues.length === before ? out : (undefined as unknown as T[]);
  };
}

/** A plain JSON object of at most `maxBytes` as compact JSON (bounded before it reaches a service). */
export function jsonObject(options: { maxBytes: number }): Check<Record<string, unknown>> {
  return (value, field, issues) => {
    if (!isPlainObject(value)) return fail(issues, field, 'must be an object');
    if (Buffer.byteLength(JSON.stringify(value)) > options.maxBytes)
      return fail(issues, field, `must be at most ${options.maxBytes} bytes as JSON`);
    return value as Record<string, unknown>;
  };
}
