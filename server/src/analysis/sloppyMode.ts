// What TypeScript's parser calls an error but Node runs: octal escapes (`'\1'`) and legacy octal
// literals (`010`) are legal in sloppy-mode JavaScript (ECMAScript Annex B), and a CommonJS module
// is sloppy unless it says 'use strict'. TypeScript 5.5+ reports them in every file, so a library
// such as ini 1.0.3 (`str.replace(/\1/g, '\2LITERAL\\1LITERAL\2')`) was held as "does not parse"
// while Node loads it. Kept as errors wherever the code is strict — an ES module, a TypeScript
// file, below a 'use strict' directive, in a class — and for anything else the parser reports.
import ts from 'typescript';

/** Octal literals are not allowed (1121); octal escape sequences are not allowed (1487). */
const SLOPPY_LEGAL = new Set([1121, 1487]);

/** The parser's diagnostic is one Node accepts where it is (sloppy-mode JavaScript). */
export function sloppyModeAllows(sf: ts.SourceFile, d: ts.DiagnosticWithLocation): boolean {
  if (!SLOPPY_LEGAL.has(d.code)) return false;
  if (!/\.(c?js|jsx)$/.test(sf.fileName) || isModuleSyntax(sf)) return false;
  if (hasUseStrict(sf.statements)) return false;
  // The innermost node around the error, and every node around it: none may make the code strict.
  let node: ts.Node = sf;
  for (;;) {
    const inner: ts.Node | undefined = node.getChildren(sf).find((c) => c.getStart(sf) <= d.start && d.start < c.getEnd());
    if (!inner) return true;
    if (ts.isClassLike(inner)) return false;
    const body = ts.isFunctionLike(inner) ? (inner as ts.FunctionLikeDeclaration).body : undefined;
    if (body && ts.isBlock(body) && hasUseStrict(body.statements)) return false;
    node = inner;
  }
}

/** `import`/`export` syntax: an ES module, strict throughout. */
function isModuleSyntax(sf: ts.SourceFile): boolean {
  return sf.statements.some((s) => ts.isImportDeclaration(s) || ts.isExportDeclaration(s) || ts.isExportAssignment(s) || (ts.canHaveModifiers(s) && (ts.getModifiers(s) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)));
}

/** A directive prologue holding 'use strict'. */
function hasUseStrict(statements: readonly ts.Statement[]): boolean {
  for (const s of statements) {
    if (!ts.isExpressionStatement(s) || !ts.isStringLiteral(s.expression)) return false;
    if (s.expression.getText().slice(1, -1) === 'use strict') return true;
  }
  return false;
}
