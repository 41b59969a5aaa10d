/** FRS_PIPELINE_SCHEDULE is checked as the Functions host reads it: NCRONTAB with seconds. */
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';
import { ncrontabProblem } from '../../src/config/ncrontab.js';

describe('ncrontabProblem', () => {
  it.each([
    '0 */3 * * * *',
    '0 0 */2 * * *',
    '0 30 9 * * 1-5',
    '0 30 9 * Jan Mon',
    '0 0 9-17/2 * * mon-fri',
    '0,30 * * * * *',
    '*/10 * * 1,15 * *',
  ])('accepts %s', (expression) => expect(ncrontabProblem(expression)).toBeNull());

  it.each([
    ['every 3 minutes', 'expected 6 fields'],
    ['*/3 * * * *', 'expected 6 fields ({second} {minute} {hour} {day} {month} {day-of-week}), got 5'],
    ['0 60 * * * *', '60 is outside 0-59 in the minute field'],
    ['0 0 24 * * *', '24 is outside 0-23 in the hour field'],
    ['0 0 0 0 * *', '0 is outside 1-31 in the day field'],
    ['0 0 0 * Foo *', '"Foo" is not a number or a name in the month field'],
    ['0 */0 * * * *', 'step "0" in the minute field is not a positive number'],
    ['0 0 17-9 * * *', 'range "17-9" runs backwards in the hour field'],
    ['0 0 0 * * 7', '7 is outside 0-6 in the day-of-week field'],
    ['00:05:00', 'a TimeSpan ("00:05:00") works only on App Service plans'],
  ])('refuses %j: %s', (expression, reason) => {
    expect(ncrontabProblem(expression)).toContain(reason);
    expect(ncrontabProblem(expression)).toContain('e.g. "0 */3 * * * *"');
  });
});

describe('FRS_PIPELINE_SCHEDULE', () => {
  it('fails at start with the setting, the value and the reason', () => {
    expect(() => loadSettings({ FRS_PIPELINE_SCHEDULE: 'every 3 minutes' })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: expect.stringMatching(
          /FRS_PIPELINE_SCHEDULE: not an NCRONTAB schedule: expected 6 fields .* \(got "every 3 minutes"\)/,
        ),
      }),
    );
    expect(loadSettings({ FRS_PIPELINE_SCHEDULE: '0 0 2 * * *' }).FRS_PIPELINE_SCHEDULE).toBe('0 0 2 * * *');
  });
});
