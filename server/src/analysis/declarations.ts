// New and removed top-level declarations, made to work in a running module.
//
// A module's top-level bindings live in one context, laid out when the module loaded. V8 LiveEdit
// swaps text but never that context: when an update adds or removes a top-level declaration, V8
// answers Ok and leaves every existing closure of the module on its old code (checked on Node 20–24:
// the context no longer matches the new scopes). So the patch text keeps the running layout:
//   - a new declaration is blanked in the patch text (positions kept), and a `declaration` step
//     creates its binding in the program's global lexical scope, its initializer evaluated in the
//     module's scope: changed code that names it finds it there (a global lookup, as for any name
//     the module does not declare). It lives there until the program restarts, when it is a
//     module binding again; the runtime refuses a name the program already has globally.
//   - a removed declaration nothing reads any more is kept declared, uninitialized (`let x;` /
//     `var f;` just before the statement that followed it), so the context keeps its shape; no
//     line moves (only the columns of the rest of that line).
// Both are decided from the running text and the saved text alone, so a later save (or a restarted
// server) finds the same plan: the running text still lacks the new declaration, or still has the
// kept one.
import ts from 'typescript';
import type { ModuleStep, Position } from '../../../common/patch';
import { positionAt } from '../../../common/positions';
import type { FileFunctions } from './functions';
import type { TopLevelStatement } from './topLevel';

export interface DeclarationPlan {
  /** The patch text: the saved running text with new declarations blanked and removed ones kept. */
  code: string;
  /** One `declaration` step per new declaration statement, in source order. */
  steps: ModuleStep[];
  /** Names the update declares, and names it keeps (removed from the file). */
  declared: string[];
  kept: string[];
}

export interface DeclarationRefusal {
  refused: string;
  at: Position;
}

/**
 * The plan for `after` (the saved running text) against `before` (what runs). `blankNew: false`
 * when the patch text keeps the running top level anyway (a spliced ES module or compiled file):
 * only the steps are needed then. Undefined when no top-level name was added or removed.
 */
export function planDeclarations(
  fileUrl: string,
  before: FileFunctions,
  afterText: string,
  after: FileFunctions,
  { blankNew }: { blankNew: boolean },
): DeclarationPlan | DeclarationRefusal | undefined {
  const added = [...after.topLevelNames].filter((n) => !before.topLevelNames.has(n));
  const removed = [...before.topLevelNames].filter((n) => !after.topLevelNames.has(n));
  const moved = blankNew ? movedStatements(before.topLevel, after.topLevel, new Set(added)) : [];
  if (added.length === 0 && removed.length === 0 && moved.length === 0) return undefined;
  const addedSet = new Set(added);
  let code = afterText;
  const steps: ModuleStep[] = [];
  for (const statement of after.topLevel) {
    const fresh = statement.names.filter((n) => addedSet.has(n));
    if (fresh.length === 0) continue;
    if (fresh.length !== statement.names.length) {
      const old = statement.names.filter((n) => !addedSet.has(n));
      return {
        refused: `declares ${list(fresh)} beside ${list(old)}, which the running module already has; declare the new ${fresh.length === 1 ? 'name' : 'names'} in a statement of ${fresh.length === 1 ? 'its' : 'their'} own`,
        at: statement.anchorStart,
      };
    }
    const made = declarationCode(statement, fileUrl, afterText);
    if ('refused' in made) return made;
    steps.push({ kind: 'declaration', label: statement.key, line: statement.anchorStart.line, code: made.code, assigns: [] });
    if (blankNew) code = blank(code, statement.startOffset, statement.endOffset);
  }
  const kept: string[] = [];
  // A moved declaration keeps its place too: declared again where it was (a `var` may be declared
  // twice; a `let`/`const` statement's keyword becomes spaces, so it only assigns).
  const relocated = new Map<string, string>();
  for (const name of removed) relocated.set(name, '');
  for (const m of moved) {
    for (const name of m.statement.names) relocated.set(name, m.keyword);
    if (m.blank) code = code.slice(0, m.statement.startOffset) + ' '.repeat(m.blank) + code.slice(m.statement.startOffset + m.blank);
  }
  if (blankNew && relocated.size > 0) {
    const insertions: { at: number; text: string }[] = [];
    const stillDeclared = new Set([...after.topLevelNames].filter((n) => !relocated.has(n)));
    // In source order, so same-place insertions keep the declaration order the context has.
    before.topLevel.forEach((declaring, index) => {
      for (const name of declaring.names.filter((n) => relocated.has(n))) {
        // Kept where it was in declaration order: before the next statement that is still declared.
        const next = before.topLevel.slice(index + 1).find((s) => s.names.some((n) => stillDeclared.has(n)));
        const nextAfter = next && after.topLevel.find((s) => s.names.some((n) => next.names.includes(n) && stillDeclared.has(n)));
        const at = nextAfter ? nextAfter.startOffset : endOfOwnCode(afterText);
        insertions.push({ at, text: `${relocated.get(name) || keepKeyword(declaring)} ${name};` });
        kept.push(name);
      }
    });
    const byOffset = new Map<number, string>();
    for (const i of insertions) byOffset.set(i.at, (byOffset.get(i.at) ?? '') + i.text);
    for (const at of [...byOffset.keys()].sort((a, b) => b - a)) code = code.slice(0, at) + byOffset.get(at)! + code.slice(at);
  }
  return { code, steps, declared: added, kept };
}

/**
 * The step's code: a function of `require` returning the statement's bindings, with the statement
 * at its own line and column and an identity source map to the file, so the debugger shows the
 * file (and its breakpoints bind) in a function the update declared.
 */
function declarationCode(statement: TopLevelStatement, fileUrl: string, text: string): { code: string } | DeclarationRefusal {
  const start = positionAt(text, statement.startOffset);
  let body = withoutExport(statement.source);
  if (/^import\b/.test(body)) {
    const required = importAsRequire(body);
    if (!required) return { refused: 'is an import this version of Live Update cannot add to a running module', at: statement.anchorStart };
    body = required;
  }
  const head = '(function (require) {';
  const lead = start.line > 0 ? '\n'.repeat(start.line) + ' '.repeat(start.column) : ' ';
  const names = statement.names.map((n) => `${JSON.stringify(n)}: ${n}`).join(', ');
  return { code: `${head}${lead}${body}\nreturn { ${names} };\n})${identityMapComment(fileUrl, start.line + 3)}` };
}

/** `export function f` → `function f`, keeping the length (the modifier becomes spaces). */
function withoutExport(source: string): string {
  return source.replace(/^export\s+(default\s+)?/, (m) => ' '.repeat(m.length));
}

/** An import declaration as `const … = require(…)`, or undefined for forms it cannot mirror. */
function importAsRequire(source: string): string | undefined {
  const sf = ts.createSourceFile('import.ts', source, ts.ScriptTarget.Latest, false);
  const decl = sf.statements[0];
  if (!decl || !ts.isImportDeclaration(decl) || !decl.importClause) return undefined;
  const spec = (decl.moduleSpecifier as ts.StringLiteral).text;
  const req = `require(${JSON.stringify(spec)})`;
  const clause = decl.importClause;
  const parts: string[] = [];
  // A default import of an ES module is its `default`; of a CommonJS module, its exports.
  if (clause.name) parts.push(`const ${clause.name.text} = ((m) => (m && typeof m === 'object' && 'default' in m && (m.__esModule || Object.prototype.toString.call(m) === '[object Module]') ? m.default : m))(${req});`);
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) parts.push(`const ${bindings.name.text} = ${req};`);
  if (bindings && ts.isNamedImports(bindings)) {
    const named = bindings.elements.filter((e) => !e.isTypeOnly).map((e) => (e.propertyName ? `${e.propertyName.text}: ${e.name.text}` : e.name.text));
    if (named.length) parts.push(`const { ${named.join(', ')} } = ${req};`);
  }
  return parts.join(' ');
}

interface Moved {
  statement: TopLevelStatement;
  /** The keyword of the declaration put back where it was. */
  keyword: 'var' | 'let';
  /** How many leading characters of the statement become spaces (its `let`/`const`), or 0. */
  blank: number;
}

/**
 * Statements of `after` whose names the running module declares in another order. V8 lays out a
 * module's context in the order names are first declared, and a LiveEdit whose new text lays it
 * out otherwise leaves every closure of the module on its old code (npm `cookie` 0.4.2 → 0.5.0:
 * `var decode = …` at the top became `function decode` further down). A class cannot be declared
 * twice nor made an assignment: it stays where it is (and V8 does what it does).
 */
function movedStatements(before: readonly TopLevelStatement[], after: readonly TopLevelStatement[], added: ReadonlySet<string>): Moved[] {
  const oldIndex = new Map<string, number>();
  for (const s of before) for (const n of s.names) if (!oldIndex.has(n)) oldIndex.set(n, oldIndex.size);
  const order: { statement: TopLevelStatement; index: number }[] = [];
  const seen = new Set<string>();
  for (const statement of after) {
    for (const n of statement.names) {
      if (seen.has(n) || added.has(n) || !oldIndex.has(n)) continue;
      seen.add(n);
      order.push({ statement, index: oldIndex.get(n)! });
    }
  }
  // Kept in place: each name declared after every kept name the running module declares before
  // it. The others moved later in the file, so a declaration where they were comes first.
  const out = new Map<TopLevelStatement, Moved>();
  let last = -1;
  for (const { statement, index } of order) {
    if (index > last && !out.has(statement)) {
      last = index;
      continue;
    }
    const m = movable(statement);
    if (m) out.set(statement, m);
  }
  return [...out.values()];
}

function movable(statement: TopLevelStatement): Moved | undefined {
  if (/^function /.test(statement.key)) return { statement, keyword: 'var', blank: 0 };
  const sf = ts.createSourceFile('statement.js', statement.source, ts.ScriptTarget.Latest, false);
  const only = sf.statements[0];
  if (sf.statements.length !== 1 || !only || !ts.isVariableStatement(only) || !only.declarationList.declarations.every((d) => ts.isIdentifier(d.name))) return undefined;
  if (!(only.declarationList.flags & ts.NodeFlags.BlockScoped)) return { statement, keyword: 'var', blank: 0 };
  const keyword = /^(const|let)\s/.exec(statement.source);
  return keyword ? { statement, keyword: 'let', blank: keyword[1]!.length } : undefined;
}

function keepKeyword(statement: TopLevelStatement): string {
  return /^(function|var) /.test(statement.key) ? 'var' : 'let';
}

/**
 * The statement made a comment of the same length (newlines kept: no position moves). A comment
 * rather than spaces: V8 matches old and new text by a diff, and a run of spaces next to a
 * TypeScript function whose types were blanked to spaces made it take that function's first line
 * for new text (its existing closures then kept the old code; the runtime's check caught it).
 */
function blank(code: string, start: number, end: number): string {
  const chars = code.slice(start, end).replace(/\*\//g, '  ').split('');
  // `/*` over the first two characters of its first line, `*/` over the last two of the last line
  // that has two, everything after that blanked: every newline stays where it was.
  const opens = chars.findIndex((c, i) => !isNewline(c) && i + 1 < chars.length && !isNewline(chars[i + 1]!));
  let closes = -1;
  for (let i = chars.length - 2; i > opens + 1; i--) {
    if (!isNewline(chars[i]!) && !isNewline(chars[i + 1]!)) {
      closes = i;
      break;
    }
  }
  if (opens < 0 || closes < 0) return code.slice(0, start) + chars.map((c) => (isNewline(c) ? c : ' ')).join('') + code.slice(end);
  chars[opens] = '/';
  chars[opens + 1] = '*';
  chars[closes] = '*';
  chars[closes + 1] = '/';
  for (let i = closes + 2; i < chars.length; i++) if (!isNewline(chars[i]!)) chars[i] = ' ';
  return code.slice(0, start) + chars.join('') + code.slice(end);
}

const isNewline = (c: string): boolean => c === '\n' || c === '\r';

/** The start of the scope accessor line the running text appends (after the module's own code). */
function endOfOwnCode(text: string): number {
  const at = text.lastIndexOf('\n;globalThis[Symbol.for(');
  return at < 0 ? text.length : at + 1;
}

/** A source map that puts each line of an evaluated step at the same line of the file (column 0 of each). */
export function identityMapComment(fileUrl: string, lines: number): string {
  const map = { version: 3, sources: [fileUrl], names: [], mappings: 'AAAA' + ';AACA'.repeat(Math.max(0, lines)) };
  return `\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}`;
}

function list(names: string[]): string {
  return names.map((n) => `\`${n}\``).join(', ');
}
