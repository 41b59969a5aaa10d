import { describe, expect, it } from 'vitest';
import { compileRoute } from '../../src/server/route-template.js';

describe('Functions route templates', () => {
  it('matches literals case-insensitively and binds parameters', () => {
    const r = compileRoute('faces/{id}/thumbnail');
    expect(r.match('/faces/12/thumbnail')).toEqual({ id: '12' });
    expect(r.match('/FACES/12/Thumbnail')).toEqual({ id: '12' });
    expect(r.match('/faces/12')).toBeNull();
    expect(r.match('/faces/12/thumbnail/x')).toBeNull();
  });

  it('treats {id?} as optional and checks :int', () => {
    const r = compileRoute('persons/{id?}');
    expect(r.match('/persons')).toEqual({});
    expect(r.match('/persons/7')).toEqual({ id: '7' });
    expect(r.match('/persons/7/merge')).toBeNull();
    const typed = compileRoute('persons/{id:int}');
    expect(typed.match('/persons/abc')).toBeNull();
    expect(typed.match('/persons/42')).toEqual({ id: '42' });
  });

  it('lets {*path} take the rest, decoded, or nothing', () => {
    const r = compileRoute('app/{*path}');
    expect(r.match('/app/')).toEqual({});
    expect(r.match('/app/assets/main.js')).toEqual({ path: 'assets/main.js' });
    expect(r.match('/app/a%20b.css')).toEqual({ path: 'a b.css' });
    expect(r.match('/apps/x')).toBeNull();
  });

  it('refuses malformed percent-encoding instead of throwing', () => {
    expect(compileRoute('persons/{id}').match('/persons/%E0%A4%A')).toBeNull();
  });
});
