/**
 * Azure Functions route templates ('persons/{id?}', 'faces/{id}/thumbnail', 'app/{*path}',
 * '{id:int}') matched against a request path, as the Functions host does it: literal segments
 * case-insensitive, `{name?}` optional (last segments only), `{*name}` catches the rest,
 * `:constraint` checked for int / alpha only (others accepted).
 */
export interface CompiledRoute {
  template: string;
  match(path: string): Record<string, string> | null;
}

type Segment =
  | { kind: 'literal'; text: string }
  | { kind: 'param'; name: string; optional: boolean; catchAll: boolean; constraint?: string };

function parseSegment(raw: string): Segment {
  const m = /^\{(\*)?([A-Za-z_][\w]*)(?::([A-Za-z]+)(?:\([^)]*\))?)?(\?)?\}$/.exec(raw);
  if (!m) return { kind: 'literal', text: raw.toLowerCase() };
  return { kind: 'param', name: m[2], catchAll: Boolean(m[1]), constraint: m[3], optional: Boolean(m[4]) };
}

function satisfies(value: string, constraint?: string): boolean {
  if (constraint === 'int') return /^-?\d+$/.test(value);
  if (constraint === 'alpha') return /^[A-Za-z]+$/.test(value);
  return true;
}

export function compileRoute(template: string): CompiledRoute {
  const segments = template.split('/').filter(Boolean).map(parseSegment);
  return {
    template,
    match(path) {
      try {
        return matchSegments(segments, path);
      } catch {
        return null; // malformed percent-encoding
      }
    },
  };
}

function matchSegments(segments: Segment[], path: string): Record<string, string> | null {
  const parts = path.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    const part = parts[i];
    if (seg.kind === 'literal') {
      if (part === undefined || decodeURIComponent(part).toLowerCase() !== seg.text) return null;
      continue;
    }
    if (seg.catchAll) {
      const rest = parts.slice(i).map(decodeURIComponent).join('/');
      if (rest) params[seg.name] = rest;
      return params; // a catch-all also matches nothing, as in Functions
    }
    if (part === undefined) {
      if (!seg.optional) return null;
      continue;
    }
    const value = decodeURIComponent(part);
    if (!satisfies(value, seg.constraint)) return null;
    params[seg.name] = value;
  }
  return parts.length <= segments.length ? params : null;
}
