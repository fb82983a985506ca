// What an ES module may not contain although TypeScript's parser accepts it: a `return` outside
// any function. TypeScript reports it only from its checker (TS1108, which Live Update shows as a
// type error), while V8 refuses to compile the module; and in CommonJS it is legal (Node wraps the
// file in a function). So for an ES module it is a syntax error, said as one (issue 9's corpus:
// such a save was reported "applied" with a type warning while nothing could run).
import * as ts from 'typescript';
import { parse, type SyntaxError } from './functions';

export function esModuleSyntaxErrors(file: string, text: string): SyntaxError[] {
  const sf = parse(file, text);
  const errors: SyntaxError[] = [];
  const pos = (offset: number) => {
    const lc = sf.getLineAndCharacterOfPosition(offset);
    return { line: lc.line, column: lc.character };
  };
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return; // a return there is the function's
    if (ts.isReturnStatement(node)) {
      const start = node.getStart(sf);
      errors.push({ message: "A 'return' statement can only be used within a function body (an ES module's top level is not one)", start: pos(start), end: pos(start + 'return'.length) });
      return;
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(sf, visit);
  return errors;
}
