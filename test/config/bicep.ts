/**
 * Bicep parsing for the infra tests: tree-sitter-bicep's WebAssembly grammar on web-tree-sitter
 * (both from npm, nothing downloaded at run time), plus small helpers that read declarations,
 * object literals and string literals off the syntax tree. There is no Bicep compiler here, so
 * the tests use these to check what the compiler would (module params, outputs, references).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Language, Parser, type Node } from 'web-tree-sitter';

export type { Node };

let parserPromise: Promise<Parser> | undefined;

export function bicepParser(): Promise<Parser> {
  parserPromise ??= (async () => {
    const require = createRequire(import.meta.url);
    await Parser.init();
    const language = await Language.load(require.resolve('tree-sitter-bicep/tree-sitter-bicep.wasm'));
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return parserPromise;
}

export interface ParsedBicep {
  path: string;
  source: string;
  root: Node;
  /** ERROR and MISSING nodes as "line:column type text". */
  problems: string[];
}

export async function parseBicepSource(source: string, path = '<source>'): Promise<ParsedBicep> {
  const parser = await bicepParser();
  const tree = parser.parse(source);
  if (!tree) throw new Error(`tree-sitter returned no tree for ${path}`);
  const problems: string[] = [];
  const walk = (n: Node): void => {
    if (n.type === 'ERROR' || n.isMissing) {
      problems.push(
        `${n.startPosition.row + 1}:${n.startPosition.column + 1} ${n.isMissing ? `MISSING ${n.type}` : 'ERROR'} ${JSON.stringify(n.text.slice(0, 60))}`,
      );
    }
    for (const c of n.children) if (c) walk(c);
  };
  walk(tree.rootNode);
  return { path, source, root: tree.rootNode, problems };
}

export async function parseBicepFile(path: string): Promise<ParsedBicep> {
  return parseBicepSource(readFileSync(path, 'utf8'), path);
}

function named(n: Node): Node[] {
  return n.namedChildren.filter((c): c is Node => c !== null);
}

/** Top-level declarations of one kind, e.g. 'parameter_declaration', 'module_declaration'. */
export function declarations(root: Node, type: string): Node[] {
  return named(root).filter((n) => n.type === type);
}

/** The declared symbol of a param / var / resource / module / output declaration. */
export function declName(decl: Node): string {
  const id = named(decl).find((c) => c.type === 'identifier');
  if (!id) throw new Error(`no identifier in ${decl.type} at ${decl.startPosition.row + 1}`);
  return id.text;
}

/** The value expression of a declaration (`param x T = <value>`, `var x = <value>`), if any. */
export function declValue(decl: Node): Node | undefined {
  const kids = named(decl).filter((c) => c.type !== 'comment');
  const skip = decl.type === 'variable_declaration' ? 1 : 2; // identifier [, type]
  return kids[skip];
}

/** The body object of a resource or module declaration, through `if (...)` or `[for ...]`. */
export function declBody(decl: Node): Node | undefined {
  for (const c of named(decl)) {
    if (c.type === 'object') return c;
    if (c.type === 'if_statement' || c.type === 'for_statement') {
      const obj = named(c).find((x) => x.type === 'object');
      if (obj) return obj;
      // [for x in xs: if (cond) { ... }]
      const inner = named(c).find((x) => x.type === 'if_statement');
      const nested = inner && named(inner).find((x) => x.type === 'object');
      if (nested) return nested;
    }
  }
  return undefined;
}

/** The string literal that follows the symbol (resource type or module path). */
export function declTarget(decl: Node): string | undefined {
  const s = named(decl).find((c) => c.type === 'string');
  return s ? literalString(s) : undefined;
}

/** Properties of an object literal in source order, keyed by their (unquoted) names. */
export function objectProperties(obj: Node): Array<{ key: string; value: Node }> {
  if (obj.type !== 'object') throw new Error(`expected an object, got ${obj.type}`);
  return named(obj)
    .filter((p) => p.type === 'object_property')
    .map((p) => {
      const [k, v] = named(p).filter((c) => c.type !== 'comment');
      if (!k || !v) throw new Error(`malformed property at line ${p.startPosition.row + 1}`);
      const key = k.type === 'string' ? literalString(k) : k.text;
      if (key === undefined) throw new Error(`interpolated key at line ${p.startPosition.row + 1}`);
      return { key, value: v };
    });
}

export function property(obj: Node, key: string): Node | undefined {
  return objectProperties(obj).find((p) => p.key === key)?.value;
}

const escapes: Record<string, string> = { "\\'": "'", '\\\\': '\\', '\\n': '\n', '\\r': '\r', '\\t': '\t', '\\$': '$' };

/** The value of a string literal without interpolation; undefined for anything else. */
export function literalString(n: Node): string | undefined {
  if (n.type !== 'string') return undefined;
  let out = '';
  for (const c of named(n)) {
    if (c.type === 'string_content') out += c.text;
    else if (c.type === 'escape_sequence') out += escapes[c.text] ?? c.text;
    else return undefined;
  }
  return out;
}

/** Identifiers `X` used as `X.outputs.Y`, with Y. */
export function outputReferences(root: Node): Array<{ symbol: string; output: string; line: number }> {
  const refs: Array<{ symbol: string; output: string; line: number }> = [];
  const walk = (n: Node): void => {
    if (n.type === 'member_expression') {
      const [obj, prop] = named(n);
      if (obj?.type === 'member_expression' && prop?.type === 'property_identifier') {
        const [inner, innerProp] = named(obj);
        if (inner?.type === 'identifier' && innerProp?.text === 'outputs') {
          refs.push({ symbol: inner.text, output: prop.text, line: n.startPosition.row + 1 });
        }
      }
    }
    for (const c of named(n)) walk(c);
  };
  walk(root);
  return refs;
}

export interface ParamInfo {
  name: string;
  hasDefault: boolean;
}

export function params(root: Node): ParamInfo[] {
  return declarations(root, 'parameter_declaration').map((d) => ({
    name: declName(d),
    hasDefault: declValue(d) !== undefined,
  }));
}

export function outputs(root: Node): string[] {
  return declarations(root, 'output_declaration').map(declName);
}

export function variable(root: Node, name: string): Node | undefined {
  const decl = declarations(root, 'variable_declaration').find((d) => declName(d) === name);
  return decl ? declValue(decl) : undefined;
}
