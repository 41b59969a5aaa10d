/**
 * FRS_PATH_MAP: where the originals registered by another machine are now. The tool FRS
 * replaces stored absolute paths of the machine that registered them (e.g.
 * `C:/Users/ADMIN/.../Images/a.jpg`) and mapped a prefix to its container root before
 * reading; FRS does the same with `from=>to` pairs separated by `;`. `to` is a local folder,
 * or a blob name prefix when originals live in Blob Storage (empty `to`: the container root).
 */
import { FrsError } from '../errors.js';

export interface PathMapRule {
  from: string;
  to: string;
}

/** Windows-looking prefixes (a drive letter, a UNC share or any backslash) match case-insensitively. */
function isWindowsPath(path: string): boolean {
  return /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\') || path.includes('\\');
}

const slashes = (path: string) => path.replace(/\\/g, '/');
const trimEndSlash = (path: string) => (path.length > 1 ? path.replace(/[\\/]+$/, '') : path);

/** Parses the setting's text; throws FrsError INVALID_INPUT naming the bad pair. */
export function parsePathMap(text: string | undefined): PathMapRule[] {
  if (!text || text.trim() === '') return [];
  return text
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '')
    .map((pair) => {
      const at = pair.indexOf('=>');
      if (at < 0) throw new FrsError('INVALID_INPUT', `"${pair}" is not a from=>to pair.`);
      const from = trimEndSlash(pair.slice(0, at).trim());
      const to = pair.slice(at + 2).trim();
      if (from === '') throw new FrsError('INVALID_INPUT', `"${pair}" has an empty "from" prefix.`);
      if (to.includes('=>')) throw new FrsError('INVALID_INPUT', `"${pair}" has more than one "=>".`);
      return { from, to: trimEndSlash(to) };
    });
}

/** The part of `path` after the rule's prefix ('' for the prefix itself), or null when it does not start with it. */
function restAfter(path: string, from: string): string | null {
  const windows = isWindowsPath(from);
  const p = windows ? slashes(path).toLowerCase() : path;
  const f = windows ? slashes(from).toLowerCase() : from;
  if (!p.startsWith(f)) return null;
  const next = p.charAt(f.length);
  if (next !== '' && next !== '/' && !(next === '\\' && !windows)) return null;
  return slashes(path.slice(f.length)).replace(/^\/+/, '');
}

function join(to: string, rest: string): string {
  if (rest === '') return to;
  if (to === '') return rest;
  const sep = to.includes('\\') && !to.includes('/') ? '\\' : '/';
  return `${to.replace(/[\\/]+$/, '')}${sep}${rest}`;
}

/**
 * Where a registered FilePath is now: the longest matching `from` wins; the rest of the path
 * keeps its letters and gets '/' separators. Paths no rule matches are returned unchanged.
 */
export function mapPath(path: string, rules: PathMapRule[]): string {
  let best: { rule: PathMapRule; rest: string } | null = null;
  for (const rule of rules) {
    const rest = restAfter(path, rule.from);
    if (rest !== null && (!best || rule.from.length > best.rule.from.length)) best = { rule, rest };
  }
  return best ? join(best.rule.to, best.rest) : path;
}

/**
 * The registered form of a path under a rule's `to` (the inverse of mapPath), so that
 * registering the mapped folder finds the rows the replaced system made instead of adding
 * a second row per photo. The `from` prefix is used as written in the setting.
 */
export function unmapPath(path: string, rules: PathMapRule[]): string {
  let best: { rule: PathMapRule; rest: string } | null = null;
  for (const rule of rules) {
    if (rule.to === '') continue;
    const rest = restAfter(path, rule.to);
    if (rest !== null && (!best || rule.to.length > best.rule.to.length)) best = { rule, rest };
  }
  if (!best) return path;
  const backslashed = best.rule.from.includes('\\') && !best.rule.from.includes('/');
  return join(best.rule.from, backslashed ? best.rest.replace(/\//g, '\\') : best.rest);
}
