// The names people read for functions that have none of their own: the names VS Code's outline
// and breadcrumbs give them (TypeScript's navigation tree, services/navigationBar.ts), so a
// message, the status bar and the editor's breadcrumb agree: `todos.get('/:id') callback`,
// `setInterval() callback`, `<function>`. Only for display: a function's identity is its path
// (functions.ts), which never changes with these names.
import ts from 'typescript';

/** TypeScript's limit for a name's text, after which it is cut with `...`. */
const MAX_LENGTH = 150;

/** What the outline calls an anonymous function: `callee('path') callback`, or `<function>`. */
export function anonymousName(node: ts.FunctionLikeDeclaration): string {
  const parent = node.parent;
  if (ts.isCallExpression(parent) && parent.arguments.includes(node as ts.Expression)) {
    const callee = calledName(parent.expression);
    if (callee !== undefined) {
      const name = clean(callee);
      if (name.length > MAX_LENGTH) return `${name} callback`;
      const literals = parent.arguments.filter((a) => ts.isStringLiteralLike(a) || ts.isTemplateLiteral(a)).map((a) => a.getText());
      return `${name}(${clean(literals.join(', '))}) callback`;
    }
  }
  return '<function>';
}

/**
 * The name an anonymous function is shown by: the outline's, qualified by where it is when that
 * says nothing (`make › <function>`), numbered when a sibling has the same (`setInterval()
 * callback (2)`).
 */
export function anonymousDisplay(node: ts.FunctionLikeDeclaration, enclosing: string | undefined, number: (name: string) => string): string {
  const name = anonymousName(node);
  return number(name === '<function>' && enclosing ? `${enclosing} › ${name}` : name);
}

/** `a.b.c` for a call of `a.b.c(…)`; undefined when the callee is not a chain of names. */
function calledName(expression: ts.Expression): string | undefined {
  if (ts.isIdentifier(expression)) return expression.text;
  if (ts.isPropertyAccessExpression(expression)) {
    const left = calledName(expression.expression);
    return left === undefined ? expression.name.text : `${left}.${expression.name.text}`;
  }
  return undefined;
}

function clean(text: string): string {
  const cut = text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH)}...` : text;
  return cut.replace(/\\?(?:\r?\n|[\r\u2028\u2029])/g, '');
}
