/** FRS_HTTP_AUTH: 'platform' drops the function key only behind App Service authentication's principal. */
import { HttpRequest, InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { httpAuthMode, PRINCIPAL_HEADER, requirePrincipal } from '../../functions/_shared/routes.js';

const ctx = new InvocationContext({ functionName: 'status', invocationId: '1' });
const ok = () => ({ status: 200, jsonBody: { ok: true } });

describe('HTTP auth mode', () => {
  it("is 'key' unless set to 'platform', and refuses anything else", () => {
    expect(httpAuthMode({})).toBe('key');
    expect(httpAuthMode({ FRS_HTTP_AUTH: '' })).toBe('key');
    expect(httpAuthMode({ FRS_HTTP_AUTH: 'platform' })).toBe('platform');
    expect(() => httpAuthMode({ FRS_HTTP_AUTH: 'anonymous' })).toThrow();
  });

  it('answers 401 to a request without the signed-in principal, and runs the handler with it', async () => {
    const guarded = requirePrincipal(ok);
    const anonymous = await guarded(new HttpRequest({ method: 'GET', url: 'http://x/api/status' }), ctx);
    expect(anonymous).toMatchObject({ status: 401, jsonBody: { error: { code: 'UNAUTHENTICATED' } } });
    const signedIn = await guarded(
      new HttpRequest({ method: 'GET', url: 'http://x/api/status', headers: { [PRINCIPAL_HEADER]: 'abc' } }),
      ctx,
    );
    expect(signedIn).toMatchObject({ status: 200 });
  });
});
