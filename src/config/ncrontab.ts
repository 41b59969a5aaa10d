/**
 * Checks an Azure Functions timer schedule (NCRONTAB, six fields with seconds:
 * `{second} {minute} {hour} {day} {month} {day-of-week}`) so that a bad FRS_PIPELINE_SCHEDULE
 * fails at start with a reason, not when the Functions host loads the timer. Fields take `*`,
 * numbers, ranges (`9-17`), lists (`0,30`), steps (`*\/5`, `9-17/2`) and, for months and days,
 * English three-letter names (`Jan`, `Mon-Fri`).
 *
 * The host also takes a TimeSpan (`00:05:00`), but only on App Service plans; FRS deploys to
 * Flex Consumption, where it is rejected, so it is refused here too.
 */

const FIELDS = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
  },
  { name: 'day-of-week', min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
] as const;

type Field = (typeof FIELDS)[number];

const EXAMPLE = 'e.g. "0 */3 * * * *" (every 3 minutes) or "0 0 2 * * Mon-Fri" (2 am on weekdays)';

function value(text: string, field: Field): number {
  const names: readonly string[] | undefined = 'names' in field ? field.names : undefined;
  const named = names?.indexOf(text.toLowerCase()) ?? -1;
  const n = named >= 0 ? named + field.min : /^\d+$/.test(text) ? Number(text) : NaN;
  if (Number.isNaN(n))
    throw new Error(`"${text}" is not a number${names ? ' or a name' : ''} in the ${field.name} field`);
  if (n < field.min || n > field.max)
    throw new Error(`${n} is outside ${field.min}-${field.max} in the ${field.name} field`);
  return n;
}

function checkItem(item: string, field: Field): void {
  const [range, step, extra] = item.split('/');
  if (extra !== undefined || range === '') throw new Error(`"${item}" is not valid in the ${field.name} field`);
  if (step !== undefined && !/^[1-9]\d*$/.test(step))
    throw new Error(`step "${step}" in the ${field.name} field is not a positive number`);
  if (range === '*') return;
  const [from, to, more] = range.split('-');
  if (more !== undefined) throw new Error(`"${range}" is not a range in the ${field.name} field`);
  const start = value(from, field);
  if (to !== undefined && value(to, field) < start)
    throw new Error(`range "${range}" runs backwards in the ${field.name} field`);
}

/** The reason `expression` is not a valid schedule, or null when it is one. */
export function ncrontabProblem(expression: string): string | null {
  const text = expression.trim();
  if (/^\d+(\.\d+)?:\d{2}(:\d{2})?$/.test(text))
    return `a TimeSpan ("${text}") works only on App Service plans, not on Flex Consumption; use NCRONTAB, ${EXAMPLE}`;
  const parts = text.split(/\s+/);
  if (parts.length !== 6)
    return `expected 6 fields ({second} {minute} {hour} {day} {month} {day-of-week}), got ${parts.length}; ${EXAMPLE}`;
  try {
    parts.forEach((part, i) => part.split(',').forEach((item) => checkItem(item, FIELDS[i])));
  } catch (err) {
    return `${(err as Error).message}; ${EXAMPLE}`;
  }
  return null;
}
