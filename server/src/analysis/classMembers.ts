// Methods, getters and setters a class gains, added to the running class. A class's prototype is
// built when its declaration runs, at load; a LiveEdit swaps the code of the members it has and adds
// none, so a new member — the most ordinary edit of a class — was missing from the running program
// while the update said applied (issue 20). A `definition` step makes the member from its new text
// in the module's scope, as a member of a throwaway class whose prototype chain is then the running
// class's (so `super` finds the same parent), and defines it on the running class (its prototype,
// or the class itself for a static), inside the update's transaction (undone with it). Existing
// instances have it at once, as a fresh start would give them.
// The price, the one re-made functions pay (remadeFunctions.ts): the member runs from an evaluated
// copy of the file's text (an identity source map keeps stack traces on the file's lines, but a
// breakpoint set in the file may not stop in it), and a later edit of it is made the same way again
// (the baseline keeps it stranded, `REMADE_REASON`). Not done, and said instead: members of classes
// that are not top-level declarations, computed or private names, and members that touch private
// names (a throwaway class has other private names than the running one).
import ts from 'typescript';
import type { ModuleStep } from '../../../common/patch';
import type { FileChanges } from './changes';
import { identityMapComment } from './declarations';
import { parse, type FileFunctions, type FunctionInfo } from './functions';

const MEMBER_KINDS = new Set<FunctionInfo['kind']>(['method', 'getter', 'setter']);
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** The members of top-level classes `changes` adds (`C{}/name`), which the running class lacks. */
export function addedMembers(changes: FileChanges, classes: ReadonlySet<string>): FunctionInfo[] {
  return changes.added.filter((fn) => MEMBER_KINDS.has(fn.kind) && classOf(fn.path, classes) !== undefined);
}

/**
 * The steps that add the new members of `changes` to the running classes, and make again those
 * an earlier update added (`stranded`: their paths) when they change.
 */
export function memberSteps(file: string, fileUrl: string, code: string, functions: FileFunctions, changes: FileChanges, stranded: Iterable<string>): ModuleStep[] {
  const again = new Set(stranded);
  // Paths, looked up in the patch text's functions (`changes` may be placed in the source file).
  const paths = new Set([...changes.added.map((fn) => fn.path), ...changes.changed.map((c) => c.after.path).filter((p) => again.has(p))]);
  const wanted = functions.functions.filter((fn) => MEMBER_KINDS.has(fn.kind) && paths.has(fn.path));
  if (wanted.length === 0) return [];
  const sf = parse(file, code);
  const classes = new Map<string, ts.ClassDeclaration>();
  for (const s of sf.statements) if (ts.isClassDeclaration(s) && s.name) classes.set(s.name.text, s);
  const steps: ModuleStep[] = [];
  for (const fn of wanted) {
    const owner = classOf(fn.path, new Set(classes.keys()));
    const declaration = owner === undefined ? undefined : classes.get(owner);
    if (owner === undefined || !declaration) continue;
    const member = declaration.members.find((m): m is ts.MethodDeclaration | ts.AccessorDeclaration => m.getStart(sf) <= fn.startOffset && fn.endOffset <= m.getEnd() && (ts.isMethodDeclaration(m) || ts.isAccessor(m)));
    if (!member || !member.name || !(ts.isIdentifier(member.name) || ts.isStringLiteral(member.name))) continue;
    const key = member.name.text;
    const text = member.getText(sf);
    if (!IDENTIFIER.test(key) || text.includes('#')) continue;
    const isStatic = (ts.getModifiers(member) ?? []).some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
    const at = sf.getLineAndCharacterOfPosition(member.getStart(sf));
    const end = sf.getLineAndCharacterOfPosition(member.getEnd());
    const lead = at.line > 0 ? '\n'.repeat(at.line) + ' '.repeat(at.character) : ' ';
    const to = isStatic ? owner : `${owner}.prototype`;
    steps.push({
      kind: 'definition',
      label: `member ${fn.displayName}`,
      line: at.line,
      code: `((to) => { const made = class {${lead}${text}\n}; const from = ${isStatic ? 'made' : 'made.prototype'}; Object.setPrototypeOf(from, Object.getPrototypeOf(to)); ${DEFINE}(to, from, ${JSON.stringify(key)}); })(${to});${identityMapComment(fileUrl, end.line + 1)}`,
      assigns: [`${to}.${key}`],
      remakes: fn.displayName,
      remakesPath: fn.path,
    });
  }
  return steps;
}

/** The class a member path belongs to (`Range{}/get range` → `Range`), when it is one of `classes`. */
function classOf(path: string, classes: ReadonlySet<string>): string | undefined {
  const [container, member, ...rest] = path.split('/');
  if (rest.length > 0 || member === undefined || !container!.endsWith('{}')) return undefined;
  const name = container!.slice(0, -2);
  return classes.has(name) ? name : undefined;
}

/**
 * Defines `key` of `from` on `to`, as a class defines it (not enumerable); a getter or a setter
 * keeps the other half `to` already has.
 */
const DEFINE =
  '((to, from, key) => { const d = Object.getOwnPropertyDescriptor(from, key); const old = Object.getOwnPropertyDescriptor(to, key); ' +
  "if (old && ('get' in d) && ('get' in old || 'set' in old)) { d.get = d.get ?? old.get; d.set = d.set ?? old.set; } " +
  'Object.defineProperty(to, key, d); })';
