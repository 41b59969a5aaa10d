import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalFolderStore } from '../../src/storage/local-folder-store.js';
import { objectStoreContract } from './store-contract.js';

const roots: string[] = [];
async function freshRoot(): Promise<string> {
  const parent = await mkdtemp(join(tmpdir(), 'frs-local-store-'));
  roots.push(parent);
  return join(parent, 'store'); // not created yet: the store must create it
}
afterAll(async () => {
  await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
});

describe('LocalFolderStore', () => {
  objectStoreContract({
    create: async () => new LocalFolderStore(await freshRoot()),
    readUrl: async (url) => readFile(fileURLToPath(url)),
  });

  it('keeps files as plain paths under the root and nothing outside it', async () => {
    const root = await freshRoot();
    const store = new LocalFolderStore(root);
    await store.put('a/b/c.jpg', Uint8Array.of(9), 'image/jpeg');
    expect([...(await readFile(join(root, 'a', 'b', 'c.jpg')))]).toEqual([9]);
    expect(await readdir(join(root, '..'))).toEqual(['store']);
    expect(store.location).toBe(root);
  });

  it('leaves no partial files behind and does not list foreign temp names as its own', async () => {
    const root = await freshRoot();
    const store = new LocalFolderStore(root);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.put(`same.jpg`, Uint8Array.of(i), 'image/jpeg')));
    expect(await readdir(root)).toEqual(['same.jpg']);
    await writeFile(join(root, '.same.jpg.abc.frs-partial'), 'half');
    const keys: string[] = [];
    for await (const k of store.list()) keys.push(k);
    expect(keys).toEqual(['same.jpg']);
  });

  it('does not list outside the root through a climbing prefix', async () => {
    const root = await freshRoot();
    await writeFile(join(root, '..', 'secret.txt'), 'x');
    const store = new LocalFolderStore(root);
    await store.put('inside.txt', Uint8Array.of(1), 'text/plain');
    const keys: string[] = [];
    for await (const k of store.list('../')) keys.push(k);
    expect(keys).toEqual([]);
  });
});
