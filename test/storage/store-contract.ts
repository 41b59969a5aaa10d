/** The behaviour every ObjectStore adapter must share; each adapter's test file runs it. */
import { expect, it } from 'vitest';
import { FrsError } from '../../src/errors.js';
import type { ObjectStore } from '../../src/storage/object-store.js';

export interface ContractSubject {
  /** A fresh, empty store for each test. */
  create(): Promise<ObjectStore>;
  /** Fetches what url(key) points at, as a client would. */
  readUrl(url: string): Promise<Uint8Array>;
}

const bytes = (...values: number[]) => Uint8Array.from(values);
const text = (s: string) => new TextEncoder().encode(s);

async function keysOf(store: ObjectStore, prefix?: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list(prefix)) keys.push(key);
  return keys.sort();
}

async function expectFrsError(promise: Promise<unknown>, code: string): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FrsError);
  expect((err as FrsError).code).toBe(code);
}

export function objectStoreContract(subject: ContractSubject): void {
  it('stores and returns bytes exactly, and overwrites', async () => {
    const store = await subject.create();
    const binary = bytes(0, 255, 0, 1, 128, 10, 13, 0);
    await store.put('thumbs/a.jpg', binary, 'image/jpeg');
    expect(Buffer.from(await store.get('thumbs/a.jpg'))).toEqual(Buffer.from(binary));
    await store.put('thumbs/a.jpg', text('second'), 'image/jpeg');
    expect(Buffer.from(await store.get('thumbs/a.jpg')).toString()).toBe('second');
  });

  it('round-trips an empty object and a 3 MB one', async () => {
    const store = await subject.create();
    await store.put('empty.bin', new Uint8Array(0), 'application/octet-stream');
    expect((await store.get('empty.bin')).length).toBe(0);
    const big = Uint8Array.from({ length: 3 * 1024 * 1024 }, (_, i) => (i * 31) & 0xff);
    await store.put('big/photo.jpg', big, 'image/jpeg');
    expect(Buffer.compare(Buffer.from(await store.get('big/photo.jpg')), Buffer.from(big))).toBe(0);
  });

  it('reports missing keys as NOT_FOUND or false', async () => {
    const store = await subject.create();
    await expectFrsError(store.get('nope.jpg'), 'NOT_FOUND');
    expect(await store.exists('nope.jpg')).toBe(false);
    expect(await store.delete('nope.jpg')).toBe(false);
  });

  it('exists and delete follow the object', async () => {
    const store = await subject.create();
    await store.put('p/1.jpg', text('x'), 'image/jpeg');
    expect(await store.exists('p/1.jpg')).toBe(true);
    expect(await store.exists('p')).toBe(false); // a prefix is not an object
    expect(await store.delete('p/1.jpg')).toBe(true);
    expect(await store.delete('p/1.jpg')).toBe(false);
    expect(await store.exists('p/1.jpg')).toBe(false);
    await expectFrsError(store.get('p/1.jpg'), 'NOT_FOUND');
  });

  it('lists keys under a prefix', async () => {
    const store = await subject.create();
    expect(await keysOf(store)).toEqual([]);
    const keys = [
      '2024/06/a.jpg',
      '2024/06/b.jpg',
      '2024/07/c.jpg',
      '2024-summary.txt',
      'top.png',
      'with space/é ñ.jpg',
    ];
    await Promise.all(keys.map((k) => store.put(k, text(k), 'application/octet-stream')));
    expect(await keysOf(store)).toEqual([...keys].sort());
    expect(await keysOf(store, '2024/')).toEqual(['2024/06/a.jpg', '2024/06/b.jpg', '2024/07/c.jpg']);
    expect(await keysOf(store, '2024/06/a')).toEqual(['2024/06/a.jpg']);
    expect(await keysOf(store, '2024')).toEqual([
      '2024-summary.txt',
      '2024/06/a.jpg',
      '2024/06/b.jpg',
      '2024/07/c.jpg',
    ]);
    expect(await keysOf(store, 'missing/')).toEqual([]);
    expect(Buffer.from(await store.get('with space/é ñ.jpg')).toString()).toBe('with space/é ñ.jpg');
  });

  it('gives a URL a client can read the object from', async () => {
    const store = await subject.create();
    await store.put('portraits/7.jpg', bytes(1, 2, 3), 'image/jpeg');
    expect(Buffer.from(await subject.readUrl(store.url('portraits/7.jpg')))).toEqual(Buffer.from([1, 2, 3]));
  });

  it('refuses keys that are empty, absolute, or climb with ..', async () => {
    const store = await subject.create();
    for (const key of [
      '',
      '/etc/passwd',
      '../outside.jpg',
      'a/../../outside.jpg',
      'a/./b',
      'a//b',
      'a\\b',
      'nul\u0000.jpg',
      'trailing/',
    ]) {
      await expectFrsError(store.put(key, text('x'), 'text/plain'), 'INVALID_INPUT');
      await expectFrsError(store.get(key), 'INVALID_INPUT');
      await expectFrsError(store.exists(key), 'INVALID_INPUT');
      await expectFrsError(store.delete(key), 'INVALID_INPUT');
      expect(() => store.url(key)).toThrow(FrsError);
    }
    expect(await keysOf(store)).toEqual([]);
  });
}
