/**
 * The SQLite file of a library is never replaced. SQLite itself treats an empty file as a new
 * database, so a file truncated to 0 bytes (a failed copy, a full disk) would silently become
 * an empty library and every name and confirmed face would be gone. FRS therefore creates a
 * new database file whole (written under a temporary name, then linked into place, so no other
 * process ever sees it empty) and refuses to open an existing file that is empty or does not
 * start with SQLite's header.
 */
import { closeSync, linkSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { FrsError } from '../../errors.js';

const HEADER = 'SQLite format 3\u0000';

export function ensureSqliteFile(file: string): void {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    createWhole(file);
    return;
  }
  const refuse = (why: string) =>
    new FrsError(
      'DATABASE_ERROR',
      `The database file ${file} ${why}. FRS never replaces a database file: restore it from a backup, ` +
        'or move it away to start a new, empty library there.',
    );
  if (size === 0) throw refuse('is empty (0 bytes)');
  const head = Buffer.alloc(HEADER.length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, HEADER.length, 0);
  } finally {
    closeSync(fd);
  }
  if (size < 100 || head.toString('latin1') !== HEADER) throw refuse('is not an SQLite database (damaged?)');
}

function createWhole(file: string): void {
  const temp = `${file}.${randomBytes(6).toString('hex')}.creating`;
  try {
    const db = new Database(temp);
    db.pragma('journal_mode = WAL'); // writes the header and page 1
    db.close();
    try {
      linkSync(temp, file); // fails if another process created the file first: theirs is used
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  } finally {
    for (const suffix of ['', '-wal', '-shm']) rmSync(temp + suffix, { force: true });
  }
}
