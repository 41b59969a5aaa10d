/**
 * The people app in a real browser: Chromium (puppeteer-core) against `frs serve`'s server on a
 * library made from real photos. Each correction is checked twice: in the database (read
 * directly from the SQLite file) and on the page. Also writes the README's screenshots
 * (docs/screenshots). Skips without Chromium, except in CI (test/helpers/browser.ts).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setServices } from '../../src/services.js';
import { createFrsServer, loadFunctionModules } from '../../src/server/frs-server.js';
import { buildWebApp, launchChromium, requireChromium } from '../helpers/browser.js';
import { demoLibrary } from '../helpers/people-library.js';
import type { PipelineEnv } from '../helpers/pipeline-env.js';

const chromium = requireChromium();
// The README's screenshots are refreshed on request (FRS_SCREENSHOTS_DIR=docs/screenshots);
// otherwise they go to a temporary folder, so a test run never rewrites tracked files.
const keepScreenshots = Boolean(process.env.FRS_SCREENSHOTS_DIR);
const SCREENSHOTS = process.env.FRS_SCREENSHOTS_DIR ?? mkdtempSync(join(tmpdir(), 'frs-screenshots-'));

interface FaceRow {
  Id: number;
  PersonId: number | null;
  IsRejected: number;
}

let env: PipelineEnv;
let server: Server;
let app: string;
let browser: Browser;
let db: Database.Database;

beforeAll(async () => {
  if (!chromium) return;
  buildWebApp();
  env = await demoLibrary();
  setServices(env.services());
  await loadFunctionModules();
  server = createFrsServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  app = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/app/`;
  browser = await launchChromium(chromium);
  db = new Database(env.settings.FRS_DATABASE, { readonly: true });
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 300_000);

afterAll(async () => {
  if (!keepScreenshots) rmSync(SCREENSHOTS, { recursive: true, force: true });
  if (!chromium) return;
  db?.close();
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  setServices(undefined);
  await env?.cleanup();
});

/** Persons with faces, largest first (as the grid orders them). */
function personsBySize(): Array<{ id: number; faces: number }> {
  return db
    .prepare(
      `SELECT PersonId AS id, COUNT(*) AS faces FROM Faces WHERE PersonId IS NOT NULL AND IsRejected = 0
       GROUP BY PersonId ORDER BY faces DESC, PersonId`,
    )
    .all() as Array<{ id: number; faces: number }>;
}
const facesOf = (personId: number) =>
  db.prepare('SELECT Id, PersonId, IsRejected FROM Faces WHERE PersonId = ? ORDER BY Id').all(personId) as FaceRow[];
const face = (id: number) => db.prepare('SELECT Id, PersonId, IsRejected FROM Faces WHERE Id = ?').get(id) as FaceRow;

async function open(hash: string, width = 1200, height = 800): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewport({ width, height });
  await page.goto(app + hash);
  return page;
}

async function noticeText(page: Page, includes: string): Promise<string> {
  const handle = await page.waitForFunction(
    `[...document.querySelectorAll('.notice')].find((n) => n.textContent.includes(${JSON.stringify(includes)}))?.textContent`,
    { timeout: 10_000 },
  );
  return (await handle.jsonValue()) as string;
}

/** Page code is given as strings: it runs in the browser, where document and friends exist. */
async function gone(page: Page, selector: string): Promise<void> {
  await page.waitForFunction(`!document.querySelector(${JSON.stringify(selector)})`, { timeout: 10_000 });
}

async function selectFace(page: Page, faceId: number): Promise<void> {
  await page.click(`.face-tile[data-face-id="${faceId}"] button`);
  await page.waitForSelector('.action-bar');
}

async function clickButton(page: Page, scope: string, text: string): Promise<void> {
  const buttons = await page.$$(`${scope} button`);
  for (const b of buttons) {
    if (((await b.evaluate((e) => e.textContent)) ?? '').trim().startsWith(text)) return void (await b.click());
  }
  throw new Error(`No button "${text}" in ${scope}`);
}

describe.skipIf(!chromium)('people app in Chromium', () => {
  it('shows the persons as a grid of loaded portraits, largest first', async () => {
    const persons = personsBySize();
    expect(persons.length).toBeGreaterThanOrEqual(4);
    const page = await open('#/');
    await page.waitForSelector('.person-card img.portrait');
    await page.waitForFunction(
      `[...document.querySelectorAll('.person-card img.portrait')].every((img) => img.complete && img.naturalWidth > 0)`,
    );
    const shown = await page.$$eval('.person-card', (cards) =>
      cards.map((c) => Number(c.getAttribute('data-person-id'))),
    );
    expect(shown).toEqual(persons.map((p) => p.id).slice(0, 60));
    await page.screenshot({ path: join(SCREENSHOTS, 'people.png') });
    await page.close();
  });

  it('renames a person: the database has the name, the page and the grid show it', async () => {
    const [largest] = personsBySize();
    const page = await open(`#/persons/${largest.id}`);
    const input = await page.waitForSelector('input[name="name"]');
    await input!.type('Ada Lovelace');
    await page.keyboard.press('Enter');
    await noticeText(page, 'Renamed');
    expect(db.prepare('SELECT Name FROM Persons WHERE Id = ?').get(largest.id)).toEqual({ Name: 'Ada Lovelace' });
    expect(await page.$eval('#person-title', (h) => h.textContent)).toBe('Ada Lovelace');
    await page.goto(app + '#/');
    await page.type('input[type="search"]', 'Ada');
    await page.waitForFunction(`document.querySelectorAll('.person-card').length === 1`);
    expect(await page.$eval('.person-card .person-name', (e) => e.textContent)).toBe('Ada Lovelace');
    await page.close();
  });

  it('moves a face to another person with the picker: the database and both persons change', async () => {
    const [from, to] = personsBySize();
    const moved = facesOf(from.id)[0].Id;
    const page = await open(`#/persons/${from.id}`);
    await page.waitForSelector(`.face-tile[data-face-id="${moved}"]`);
    // Thumbnails come in batches: every tile shows its loaded image, none a placeholder.
    await page.waitForFunction(
      `[...document.querySelectorAll('.face-tile button > :first-child')].every((el) => el.tagName === 'IMG' && el.complete && el.naturalWidth > 0)`,
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'person.png') });
    await selectFace(page, moved);
    await clickButton(page, '.action-bar', 'Move to');
    const pick = await page.waitForSelector(`.picker-item[data-person-id="${to.id}"]`);
    await pick!.click();
    await noticeText(page, 'Moved 1 face');
    expect(face(moved).PersonId).toBe(to.id);
    await gone(page, `.face-tile[data-face-id="${moved}"]`);
    await page.goto(app + `#/persons/${to.id}`);
    await page.waitForSelector(`.face-tile[data-face-id="${moved}"]`);
    await page.close();
  });

  it('merges two persons: one is gone, its faces are in the other, the page says what moved; undo splits them', async () => {
    const persons = personsBySize();
    const [target, source] = [persons[2], persons[3]];
    const sourceFaces = facesOf(source.id).map((f) => f.Id);
    const page = await open('#/');
    for (const p of [target, source]) {
      await page.waitForSelector(`.person-card[data-person-id="${p.id}"] input[type="checkbox"]`);
      await page.click(`.person-card[data-person-id="${p.id}"] input[type="checkbox"]`);
    }
    const label = await page.$eval(`.person-card[data-person-id="${target.id}"] .person-name`, (e) => e.textContent!);
    await clickButton(page, '.action-bar', `Merge into ${label}`);
    const text = await noticeText(page, 'Merged');
    expect(text).toContain(`${sourceFaces.length} face`);
    expect(db.prepare('SELECT COUNT(*) AS n FROM Persons WHERE Id = ?').get(source.id)).toEqual({ n: 0 });
    for (const id of sourceFaces) expect(face(id).PersonId).toBe(target.id);
    await gone(page, `.person-card[data-person-id="${source.id}"]`);

    // Undo: the source's faces are one person again (under a new id), and the target has its own back.
    await clickButton(page, '.notice', 'Undo');
    const undone = await noticeText(page, 'Undone');
    const back = face(sourceFaces[0]).PersonId!;
    expect(undone).toContain(`person ${source.id} is back as person ${back}`);
    expect(facesOf(back).map((f) => f.Id)).toEqual(sourceFaces);
    expect(facesOf(target.id).length).toBe(target.faces);
    await page.waitForSelector(`.person-card[data-person-id="${back}"]`);
    await page.close();
  });

  it('rejects a non-face: it leaves the person for good and the page drops it', async () => {
    const person = personsBySize()[0];
    const rejected = facesOf(person.id).at(-1)!.Id;
    const page = await open(`#/persons/${person.id}`);
    await page.waitForSelector(`.face-tile[data-face-id="${rejected}"]`);
    await selectFace(page, rejected);
    await clickButton(page, '.action-bar', 'Not a face');
    await noticeText(page, 'not a face');
    expect(face(rejected)).toMatchObject({ PersonId: null, IsRejected: 1 });
    await gone(page, `.face-tile[data-face-id="${rejected}"]`);
    await page.close();
  });

  it('undoes a correction: the database and the page are as before', async () => {
    const person = personsBySize()[1];
    const [taken, rejected] = facesOf(person.id).map((f) => f.Id);
    const row = (id: number) =>
      db.prepare('SELECT PersonId, IsUserVerified, IsRejected FROM Faces WHERE Id = ?').get(id) as object;
    const links = () => db.prepare('SELECT FaceId, PersonId FROM FrsCannotLink ORDER BY FaceId').all();
    const before = { taken: row(taken), rejected: row(rejected), links: links() };
    const page = await open(`#/persons/${person.id}`);
    for (const [faceId, action, said] of [
      [taken, 'Take out', 'Took 1 face out'],
      [rejected, 'Not a face', 'not a face'],
    ] as const) {
      await page.waitForSelector(`.face-tile[data-face-id="${faceId}"]`);
      await selectFace(page, faceId);
      await clickButton(page, '.action-bar', action);
      await noticeText(page, said);
      await gone(page, `.face-tile[data-face-id="${faceId}"]`);
      expect(row(faceId)).not.toEqual(before[faceId === taken ? 'taken' : 'rejected']);
      await clickButton(page, '.notice', 'Undo');
      await noticeText(page, 'Undone');
      await page.waitForSelector(`.face-tile[data-face-id="${faceId}"]`); // back on the page
    }
    expect({ taken: row(taken), rejected: row(rejected), links: links() }).toEqual(before);
    await page.close();
  });

  it('undoes an edit and a delete: the rank is cleared again, the deleted person is back with its faces', async () => {
    const person = personsBySize()[2];
    const faceIds = facesOf(person.id).map((f) => f.Id);
    const page = await open(`#/persons/${person.id}`);
    const rank = await page.waitForSelector('input[name="rank"]');
    await rank!.type('Major');
    await page.keyboard.press('Enter');
    await noticeText(page, 'Rank saved');
    expect(db.prepare('SELECT Rank FROM Persons WHERE Id = ?').get(person.id)).toEqual({ Rank: 'Major' });
    await clickButton(page, '.notice', 'Undo');
    await noticeText(page, 'Undone');
    await page.waitForFunction(`document.querySelector('input[name="rank"]').value === ''`);
    expect(db.prepare('SELECT Rank FROM Persons WHERE Id = ?').get(person.id)).toEqual({ Rank: null });

    page.once('dialog', (dialog) => void dialog.accept());
    await clickButton(page, '.person-fields', 'Delete');
    await noticeText(page, 'Deleted');
    expect(db.prepare('SELECT COUNT(*) AS n FROM Persons WHERE Id = ?').get(person.id)).toEqual({ n: 0 });
    await clickButton(page, '.notice', 'Undo');
    const said = await noticeText(page, 'is back as person'); // not the rank's "Undone." still shown
    const back = face(faceIds[0]).PersonId!;
    expect(said).toContain(`person ${person.id} is back as person ${back}`);
    expect(facesOf(back).map((f) => f.Id)).toEqual(faceIds);
    await page.waitForFunction(`location.hash === '#/persons/${back}'`);
    await page.waitForSelector(`.face-tile[data-face-id="${faceIds[0]}"]`);
    await page.close();
  });

  it('shows a photo with its face boxes and person names; a box opens its person', async () => {
    const photo = db
      .prepare(
        `SELECT f.MediaItemId AS id FROM Faces f WHERE f.PersonId IS NOT NULL AND f.IsRejected = 0
         GROUP BY f.MediaItemId ORDER BY COUNT(*) DESC LIMIT 1`,
      )
      .get() as { id: number };
    const page = await open(`#/photos/${photo.id}`, 1000, 800);
    await page.waitForSelector('.face-box');
    await page.waitForFunction(`document.querySelector('.photo-frame img')?.naturalWidth > 0`);
    const faces = db
      .prepare('SELECT COUNT(*) AS n FROM Faces WHERE MediaItemId = ? AND IsRejected = 0')
      .get(photo.id) as {
      n: number;
    };
    expect(await page.$$eval('.face-box', (boxes) => boxes.length)).toBe(faces.n);
    await page.screenshot({ path: join(SCREENSHOTS, 'photo.png') });
    const href = await page.$eval('.face-box:not(.unassigned)', (a) => a.getAttribute('href'));
    await page.click('.face-box:not(.unassigned)');
    await page.waitForSelector('#person-title');
    expect(page.url()).toContain(href!);
    await page.close();
  });

  it('shows the library status and lays out the map; a point opens its person', async () => {
    const page = await open('#/status');
    await page.waitForSelector('.stats');
    const stats = await page.$eval('.stats', (e) => e.textContent);
    expect(stats).toContain('12 (12 done, 0 pending, 0 failed)');
    await page.goto(app + '#/map');
    await page.waitForSelector('.map-point');
    expect(await page.$$eval('.map-point', (p) => p.length)).toBe(personsBySize().length);
    await page.focus('.map-point');
    await page.waitForSelector('.map-card');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#person-title');
    await page.close();
  });

  it('works with the keyboard: Space selects a face, Escape clears the selection', async () => {
    const person = personsBySize()[0];
    const first = facesOf(person.id)[0].Id;
    const page = await open(`#/persons/${person.id}`);
    await page.waitForSelector(`.face-tile[data-face-id="${first}"]`);
    await page.focus(`.face-tile[data-face-id="${first}"] button`);
    await page.keyboard.press('Space');
    await page.waitForSelector('.action-bar');
    expect(await page.$eval(`.face-tile[data-face-id="${first}"] button`, (b) => b.getAttribute('aria-pressed'))).toBe(
      'true',
    );
    await page.keyboard.press('Escape');
    await gone(page, '.action-bar');
    await page.close();
  });

  it('fits a phone-width screen without sideways scrolling', async () => {
    const page = await open('#/', 390, 844);
    await page.waitForSelector('.person-card');
    expect(await page.evaluate(`document.documentElement.scrollWidth <= innerWidth`)).toBe(true);
    await page.close();
  });
});
