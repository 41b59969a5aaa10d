/**
 * test.http covers every function the app registers: each HTTP route, and each non-HTTP
 * trigger through the host's admin route (POST /admin/functions/<name>).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const requests = readFileSync('test.http', 'utf8')
  .split('\n')
  .filter((line) => /^(GET|POST|PUT|PATCH|DELETE) /.test(line));

/** Every function in functions/*.ts: name, and route or trigger kind, read off the registration call. */
function registrations(): Array<{ name: string; route?: string; methods?: string[] }> {
  const found: Array<{ name: string; route?: string; methods?: string[] }> = [];
  for (const file of readdirSync('functions').filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(`functions/${file}`, 'utf8');
    for (const m of source.matchAll(/httpRoute\(\{\s*name: '([^']+)',\s*methods: \[([^\]]*)\],\s*route: '([^']+)'/g))
      found.push({ name: m[1], methods: m[2].match(/[A-Z]+/g) ?? [], route: m[3] });
    for (const m of source.matchAll(/app\.(?:timer|storageBlob|storageQueue|eventGrid)\('([^']+)'/g))
      found.push({ name: m[1] });
  }
  return found;
}

describe('test.http', () => {
  const functions = registrations();

  it('finds the registrations it checks', () => {
    expect(functions.map((f) => f.name)).toEqual(expect.arrayContaining(['test', 'persons', 'detectOnUpload']));
  });

  it.each(registrations().map((f) => [f.name, f] as const))('has a request for %s', (_name, f) => {
    if (!f.route) {
      expect(requests).toContain(`POST {{host}}/admin/functions/${f.name}`);
      return;
    }
    const base = f.route.replace(/\/\{[^}]+\?\}$/, '').replace(/\{[^}]+\}/g, '[^/?]+');
    for (const method of f.methods ?? [])
      expect(
        requests.some((r) => new RegExp(`^${method} \\{\\{host\\}\\}/api/${base}(/[^/?]+)?(\\?|$)`).test(r)),
        `${method} /api/${f.route}`,
      ).toBe(true);
  });
});
