/** Browser tests skip on a machine without Chromium, and fail in CI instead of skipping. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { requireChromium } from '../helpers/browser.js';

afterEach(() => vi.unstubAllEnvs());

describe('requireChromium', () => {
  it('returns null with a message when no browser is found outside CI', () => {
    vi.stubEnv('FRS_TEST_CHROMIUM', '/nonexistent/chromium');
    vi.stubEnv('CI', '');
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(requireChromium()).toBeNull();
    expect(log).toHaveBeenCalledWith(expect.stringContaining('Skipping browser tests'));
    log.mockRestore();
  });

  it('throws in CI when no browser is found', () => {
    vi.stubEnv('FRS_TEST_CHROMIUM', '/nonexistent/chromium');
    vi.stubEnv('CI', 'true');
    expect(() => requireChromium()).toThrow(/mandatory in CI/);
  });
});
