import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

// Capture what each function file registers with the Functions host.
const registered: Array<{ kind: string; name: string; options: Record<string, unknown> }> = [];
vi.mock('@azure/functions', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@azure/functions')>();
  const record = (kind: string) => (name: string, options: Record<string, unknown>) =>
    registered.push({ kind, name, options });
  return {
    ...actual,
    app: { ...actual.app, http: record('http'), timer: record('timer'), storageBlob: record('storageBlob') },
  };
});

const functionsDir = join(import.meta.dirname, '../../functions');

describe('function registration', () => {
  it('registers exactly the FRS functions with their triggers, routes, paths and schedule', async () => {
    const files = readdirSync(functionsDir)
      .filter((f) => f.endsWith('.ts'))
      .sort();
    for (const f of files) await import(join(functionsDir, f));
    const summary = registered
      .map(({ kind, name, options }) => ({
        kind,
        name,
        methods: options.methods,
        authLevel: options.authLevel,
        route: options.route,
        schedule: options.schedule,
        path: options.path,
        source: options.source,
        connection: options.connection,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    expect(summary).toEqual([
      {
        kind: 'http',
        name: 'app',
        methods: ['GET'],
        authLevel: 'function',
        route: 'app/{*path}',
        schedule: undefined,
        path: undefined,
        source: undefined,
        connection: undefined,
      },
      {
        kind: 'storageBlob',
        name: 'detectOnUpload',
        methods: undefined,
        authLevel: undefined,
        route: undefined,
        schedule: undefined,
        path: '%FRS_MEDIA_CONTAINER%/{name}',
        source: 'EventGrid',
        connection: 'FRS_STORAGE',
      },
      {
        kind: 'http',
        name: 'facesMove',
        methods: ['POST'],
        authLevel: 'function',
        route: 'faces/move',
        schedule: undefined,
        path: undefined,
        source: undefined,
        connection: undefined,
      },
      {
        kind: 'http',
        name: 'facesReject',
        methods: ['POST'],
        authLevel: 'function',
        route: 'faces/reject',
        schedule: undefined,
        path: undefined,
        source: undefined,
        connection: undefined,
      },
      {
        kind: 'http',
        name: 'facesRestore',
        methods: ['POST'],
        authLevel: 'function',
        route: 'faces/restore',
        schedule: undefined,
        path: undefined,
        source: undefined,
        connection: undefined,
      },
      {
        kind: 'http',
        name: 'facesUnassign',
        methods: ['POST'],
        authLevel: 'function',
        route: 'faces/unassign',
        schedule: undefined,
        path: undefined,
        source: undefined,
        connection: undefined,
      },
      {
        kind: 'http',
        name: 'facesUnassigned',
        methods: ['GET'],
        authLevel: 'function',
        route: 'faces/unassigned',
        schedule: undefined,
        path: undefined,
        source: undefined,
        connection: undefined,
      },
      {
        kind: 'http',
        name: 'facesVerify',
        methods: ['POST'],
        authLevel: 'function',
        route: 'faces/verify',
        schedule: undefined,
        path: undefined,
        source: undefined,
        connection: undefined,
      },
      {
        kind: 'http',
        name: 'faceThumbnail',
        methods: ['GET'],
        authLevel: 'function',
        route: 'faces/{id}/thumbnail',
        schedule: undefined,
        path: undefined,
        source: undefined,
        connection: undefined,
      },
      {
        kind: 'http',
        name: 'faceThumbnails',
        methods: ['GET'],
        authLevel: 'function',
        route: 'faces/thumbnails',
        schedule: undefined,
        path: undefined,
        source: undefined,
        connection: undefined,
      },
      {
        kind: 'http',
        name: 'map',
        methods: ['GET'],
        authLevel: 'function',
        route: 'map',
        schedule: undefined,
        path: undefined,
        source: undefined,
        connection: undefined,
      },
      {
        kind: 'http',
        name: 'media',
        methods: ['GET'],
        authLevel: 'function',
        route: 'media/{id?}',
        schedule: undefined,
        path: undefined,
        source: undefined,
        connection: undefined,
      },
      {
        kind: 'http',
        name: 'mediaImage',
        methods: ['GET'],
        authLevel: 'function',
        route: 'media/{id}/image',
        schedule: undefined,
        path: undefined,
        source: undefined,
        connection: undefined,
      },
      {
        kind: 'http',
        name: 'person',
        methods: ['GET', 'PATCH', 'DELETE'],
        authLevel: 'function',
        route: 'persons/{id}',
        schedule: undefined,
        path: undefined,
        source: undefined,
        connection: undefined,
      },
      {
        kind: 'http',
        name: 'personMerge',
        methods: ['POST'],
        authLevel: 'function',
        route: 'persons/{id}/merge',
        schedule: undefined,
        path: undefined,
        source: undefined,
        connection: undefined,
      },
      {
        kind: 'http',
        name: 'personPortrait',
        methods: ['PUT'],
        authLevel: 'function',
        route: 'persons/{id}/portrait',
        schedule: undefined,
        path: undefined,
        source: undefined,
        connection: undefined,
      },
      {
        kind: 'http',
        name: 'persons',
        methods: ['GET', 'POST'],
        authLevel: 'function',
        route: 'persons',
        schedule: undefined,
        path: undefined,
        source: undefined,
        connection: undefined,
      },
      {
        kind: 'timer',
        name: 'pipeline',
        methods: undefined,
        authLevel: undefined,
        route: undefined,
        schedule: '%FRS_PIPELINE_SCHEDULE%',
        path: undefined,
        source: undefined,
        connection: undefined,
      },
      {
        kind: 'http',
        name: 'recluster',
        methods: ['POST', 'GET'],
        authLevel: 'function',
        route: 'recluster/{id?}',
        schedule: undefined,
        path: undefined,
        source: undefined,
        connection: undefined,
      },
      {
        kind: 'http',
        name: 'retryFailed',
        methods: ['POST'],
        authLevel: 'function',
        route: 'items/retry-failed',
        schedule: undefined,
        path: undefined,
        source: undefined,
        connection: undefined,
      },
      {
        kind: 'http',
        name: 'status',
        methods: ['GET'],
        authLevel: 'function',
        route: 'status',
        schedule: undefined,
        path: undefined,
        source: undefined,
        connection: undefined,
      },
      {
        kind: 'http',
        name: 'test',
        methods: ['POST'],
        authLevel: 'function',
        route: 'test',
        schedule: undefined,
        path: undefined,
        source: undefined,
        connection: undefined,
      },
    ]);
    // one function per file, and every registration has a handler
    expect(files).toHaveLength(22);
    for (const r of registered) expect(typeof r.options.handler).toBe('function');
  });

  it('points package.json main at the compiled function files', () => {
    const pkg = JSON.parse(readFileSync(join(functionsDir, '../package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('dist/functions/*.js');
  });
});
