import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../tools/settings-docs.js';

const text = readFileSync(join(repoRoot, 'host.json'), 'utf8');

/** "hh:mm:ss" or "d.hh:mm:ss" (a .NET TimeSpan as host.json takes it) in seconds. */
function timespanSeconds(value: string): number {
  const m = /^(?:(\d+)\.)?(\d{2}):([0-5]\d):([0-5]\d)$/.exec(value);
  if (!m) throw new Error(`not a timespan: ${value}`);
  return Number(m[1] ?? 0) * 86_400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

const logLevels = ['Trace', 'Debug', 'Information', 'Warning', 'Error', 'Critical', 'None'];

describe('host.json', () => {
  const host = JSON.parse(text) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- free-form JSON under test

  it('is a version 2.0 host file with only known top-level sections', () => {
    expect(host.version).toBe('2.0');
    const known = [
      'version',
      'extensionBundle',
      'functionTimeout',
      'logging',
      'extensions',
      'concurrency',
      'healthMonitor',
      'retry',
      'singleton',
      'watchDirectories',
      'watchFiles',
      'managedDependency',
      'aggregator',
      'customHandler',
      'functions',
    ];
    for (const key of Object.keys(host)) expect(known, `unknown host.json key ${key}`).toContain(key);
  });

  it('uses extension bundle v4', () => {
    expect(host.extensionBundle).toEqual({ id: 'Microsoft.Azure.Functions.ExtensionBundle', version: '[4.*, 5.0.0)' });
  });

  it('sets a function timeout Flex Consumption allows, long enough for a pipeline batch', () => {
    const seconds = timespanSeconds(host.functionTimeout);
    expect(seconds).toBeGreaterThanOrEqual(10 * 60);
    expect(seconds).toBeLessThanOrEqual(4 * 3600);
    expect(() => timespanSeconds('30:00')).toThrow();
  });

  it('logs function (FRS) output at Information and samples everything but requests and exceptions', () => {
    const levels = host.logging.logLevel as Record<string, string>;
    for (const level of Object.values(levels)) expect(logLevels).toContain(level);
    expect(logLevels.indexOf(levels.Function)).toBeLessThanOrEqual(logLevels.indexOf('Information'));
    expect(levels.default).toBeDefined();
    const sampling = host.logging.applicationInsights.samplingSettings;
    expect(sampling.isEnabled).toBe(true);
    expect(sampling.maxTelemetryItemsPerSecond).toBeGreaterThan(0);
    expect(String(sampling.excludedTypes).split(';')).toEqual(expect.arrayContaining(['Request', 'Exception']));
  });

  it('keeps blob-triggered ONNX work to a small fixed parallelism', () => {
    const blobs = host.extensions.blobs;
    expect(Number.isInteger(blobs.maxDegreeOfParallelism)).toBe(true);
    expect(blobs.maxDegreeOfParallelism).toBeGreaterThanOrEqual(1);
    expect(blobs.maxDegreeOfParallelism).toBeLessThanOrEqual(4);
    expect(blobs.poisonBlobThreshold).toBeGreaterThanOrEqual(1);
    // Dynamic concurrency would override maxDegreeOfParallelism.
    expect(host.concurrency.dynamicConcurrencyEnabled).toBe(false);
  });

  it('keeps the HTTP routes under /api', () => {
    expect(host.extensions.http.routePrefix).toBe('api');
  });
});
