import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeSettings } from '../../src/config/describe-settings.js';
import { loadSettings, settingNames, settingsSchema } from '../../src/config/settings.js';
import { FrsError } from '../../src/errors.js';

function configError(fn: () => unknown): FrsError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FrsError);
    return err as FrsError;
  }
  throw new Error('expected a CONFIG_INVALID error, nothing was thrown');
}

describe('loadSettings', () => {
  it('gives every setting its default when nothing is set', () => {
    const s = loadSettings({});
    // Every setting but the two optional Blob ones and the path map has a default.
    const optional = ['FRS_BLOB_ACCOUNT_URL', 'FRS_BLOB_CONNECTION_STRING', 'FRS_PATH_MAP'];
    expect(Object.keys(s).sort()).toEqual(settingNames.filter((n) => !optional.includes(n)).sort());
    expect(s.FRS_DATABASE).toBe('./.frs/frs.db');
    expect(s.FRS_MEDIA_CONTAINER).toBe('media');
    expect(s.FRS_BATCH_SIZE).toBe(50);
    expect(s.FRS_MIN_DETECTION_SCORE).toBe(0.4);
    expect(s.FRS_UMAP_ENABLED).toBe(false);
    expect(s.FRS_PIPELINE_SCHEDULE).toBe('0 0 */2 * * *');
    expect(s.FRS_BLOB_ACCOUNT_URL).toBeUndefined();
    expect(s.FRS_BLOB_CONNECTION_STRING).toBeUndefined();
  });

  it('coerces app-setting strings to numbers and booleans', () => {
    const s = loadSettings({
      FRS_BATCH_SIZE: '7',
      FRS_MATCH_THRESHOLD: '-0.25',
      FRS_UMAP_ENABLED: 'true',
      FRS_DRY_RUN: '1',
    });
    expect(s.FRS_BATCH_SIZE).toBe(7);
    expect(s.FRS_MATCH_THRESHOLD).toBe(-0.25);
    expect(s.FRS_UMAP_ENABLED).toBe(true);
    expect(s.FRS_DRY_RUN).toBe(true);
    expect(loadSettings({ FRS_DRY_RUN: '0' }).FRS_DRY_RUN).toBe(false);
  });

  it('treats an empty value as unset and ignores variables that are not settings', () => {
    const s = loadSettings({ FRS_BATCH_SIZE: '', FRS_BLOB_ACCOUNT_URL: '', PATH: '/bin', FRS_STORAGE__clientId: 'x' });
    expect(s.FRS_BATCH_SIZE).toBe(50);
    expect(s.FRS_BLOB_ACCOUNT_URL).toBeUndefined();
    expect(s).not.toHaveProperty('PATH');
    expect(s).not.toHaveProperty('FRS_STORAGE__clientId');
  });

  it('throws CONFIG_INVALID naming the setting and the bad value', () => {
    const err = configError(() => loadSettings({ FRS_BATCH_SIZE: '0' }));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toContain('FRS_BATCH_SIZE');
    expect(err.message).toContain('"0"');
    expect(err.message).not.toContain('FRS_LEASE_SECONDS');
  });

  it.each([
    ['FRS_BLOB_ACCOUNT_URL', 'not a url'],
    ['FRS_UMAP_ENABLED', 'yes'],
    ['FRS_MIN_DETECTION_SCORE', '1.5'],
    ['FRS_INTRA_OP_THREADS', '2.5'],
    ['FRS_THUMBNAIL_SIZE', 'big'],
    ['FRS_MEDIA_CONTAINER', 'ab'],
  ])('rejects %s=%j', (name, value) => {
    const err = configError(() => loadSettings({ [name]: value }));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toContain(name);
  });

  it('names every bad setting at once', () => {
    const err = configError(() => loadSettings({ FRS_BATCH_SIZE: '-1', FRS_DBSCAN_EPS: '3' }));
    expect(err.message).toContain('FRS_BATCH_SIZE');
    expect(err.message).toContain('FRS_DBSCAN_EPS');
  });

  it('validates overrides too', () => {
    const err = configError(() => loadSettings({}, { FRS_MAX_ATTEMPTS: 0 }));
    expect(err.message).toContain('FRS_MAX_ATTEMPTS');
    expect(loadSettings({ FRS_MAX_ATTEMPTS: '9' }, { FRS_MAX_ATTEMPTS: 4 }).FRS_MAX_ATTEMPTS).toBe(4);
  });
});

describe('describeSettings', () => {
  const described = describeSettings();

  it('lists every schema setting once, in schema order, with its description', () => {
    expect(described.map((s) => s.name)).toEqual(settingNames);
    for (const s of described) {
      expect(s.description.length, s.name).toBeGreaterThan(10);
      expect(s.description).toBe(settingsSchema.shape[s.name].description);
    }
  });

  it('gives defaults as strings that load back to the schema defaults', () => {
    const defaults = loadSettings({});
    for (const s of described) {
      if (s.default === undefined) {
        expect(defaults[s.name], s.name).toBeUndefined();
        continue;
      }
      expect(typeof s.default).toBe('string');
      expect(loadSettings({ [s.name]: s.default })[s.name], s.name).toEqual(defaults[s.name]);
      expect(s.default, s.name).toBe(String(defaults[s.name]));
    }
  });

  it('reads types and ranges off the schema', () => {
    const byName = new Map(described.map((s) => [s.name, s]));
    expect(byName.get('FRS_UMAP_ENABLED')).toMatchObject({ type: 'boolean', default: 'false', range: undefined });
    expect(byName.get('FRS_BLOB_ACCOUNT_URL')).toMatchObject({ type: 'url', default: undefined, required: false });
    expect(byName.get('FRS_BATCH_SIZE')).toMatchObject({ type: 'integer', default: '50', range: '1 to 10000' });
    expect(byName.get('FRS_MATCH_THRESHOLD')).toMatchObject({ type: 'number', range: '-1 to 1' });
    expect(byName.get('FRS_DATABASE')).toMatchObject({ type: 'string', default: './.frs/frs.db' });
    expect(described.filter((s) => s.required)).toEqual([]);
  });

  it('marks settings without default or optional() as required', () => {
    const schema = z.object({
      A: z.string().min(1).describe('a required setting'),
      B: z.string().optional().describe('an optional setting'),
      C: z.coerce.number().int().min(2).default(3).describe('a number with a default'),
      D: z.coerce.number().max(9).default(1.5).describe('bounded above only'),
    });
    expect(describeSettings(schema)).toEqual([
      {
        name: 'A',
        type: 'string',
        default: undefined,
        description: 'a required setting',
        required: true,
        range: undefined,
      },
      {
        name: 'B',
        type: 'string',
        default: undefined,
        description: 'an optional setting',
        required: false,
        range: undefined,
      },
      {
        name: 'C',
        type: 'integer',
        default: '3',
        description: 'a number with a default',
        required: false,
        range: '2 or more',
      },
      {
        name: 'D',
        type: 'number',
        default: '1.5',
        description: 'bounded above only',
        required: false,
        range: 'up to 9',
      },
    ]);
  });

  it('refuses settings it cannot document', () => {
    expect(() => describeSettings(z.object({ X: z.string() }))).toThrow(/X has no \.describe\(\)/);
    expect(() => describeSettings(z.object({ Y: z.array(z.string()).describe('list') }))).toThrow(
      /Y has a schema type/,
    );
  });
});
