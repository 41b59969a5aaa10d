/**
 * Chromium for the browser tests (puppeteer-core drives Debian's `chromium`). Without a browser
 * the tests skip with a message, except in CI (the CI variable set): there they must run, so a
 * missing browser fails them (.ci/run installs it).
 */
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import puppeteer, { type Browser } from 'puppeteer-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function findChromium(): string | null {
  const configured = process.env.FRS_TEST_CHROMIUM;
  if (configured) return existsSync(configured) ? configured : null;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/** The browser path, or null to skip; throws in CI, where skipping would hide a broken app. */
export function requireChromium(): string | null {
  const path = findChromium();
  if (!path && process.env.CI)
    throw new Error(
      'No Chromium found (set FRS_TEST_CHROMIUM or install the chromium package): browser tests are mandatory in CI.',
    );
  if (!path)
    console.log('Skipping browser tests: no Chromium found (install the chromium package or set FRS_TEST_CHROMIUM).');
  return path;
}

export async function launchChromium(executablePath: string): Promise<Browser> {
  return puppeteer.launch({
    executablePath,
    headless: true,
    args: [
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      '--disable-dev-shm-usage',
      '--disable-gpu',
      '--no-first-run',
      '--no-default-browser-check',
      '--hide-scrollbars',
      '--mute-audio',
    ],
  });
}

/** Builds web/dist once per test file (esbuild, well under a second). */
export function buildWebApp(): void {
  execFileSync(process.execPath, ['web/build.mjs'], { stdio: 'inherit' });
}
