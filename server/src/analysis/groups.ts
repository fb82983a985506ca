// Which changed functions of one save must be applied together. The runtime may apply part of an
// update now and defer the functions that are active (`whenActive: defer`); a part may go alone
// only if the program cannot then run a mix of versions that never existed together in a way the
// analysis can see. Two changed functions go together when
//   - one is nested in the other (the inner one's closures are created by the outer one), or
//   - one's parameter list changed and the other names it (a caller and its callee must agree on
//     the arguments: old caller + new callee, or new caller + old callee, would pass the wrong ones).
// The rest is the user's contract, as in every DSU system: a function's meaning may change, its
// interface is checked. Names are matched as words in the text (a method by its member name), so
// the rule errs towards keeping more together, never less.
import type { FunctionChange } from './changes';

/** A group number per changed function (same index); functions alone get their own number. */
export function changeGroups(changed: FunctionChange[]): number[] {
  const parent = changed.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const union = (a: number, b: number) => {
    parent[find(a)] = find(b);
  };
  changed.forEach((a, i) => {
    changed.forEach((b, j) => {
      if (j <= i) return;
      const nested =
        (a.after.startOffset <= b.after.startOffset && b.after.endOffset <= a.after.endOffset) ||
        (b.after.startOffset <= a.after.startOffset && a.after.endOffset <= b.after.endOffset);
      if (nested || (a.signature && names(b, a)) || (b.signature && names(a, b))) union(i, j);
    });
  });
  return changed.map((_, i) => find(i));
}

/** Whether `user`'s text (before or after the edit) names `used`. */
function names(user: FunctionChange, used: FunctionChange): boolean {
  const name = simpleName(used.after.path);
  if (!name) return true; // An anonymous function with a new signature: keep it with everything.
  const word = new RegExp(`(^|[^\\w$])${name.replace(/\$/g, '\\$')}($|[^\\w$])`);
  return word.test(user.after.text) || word.test(user.before.text);
}

/** From a path: `f` → f, `Greeter{}/greet` / `Greeter{}/get x` → greet / x, `f/<arrow in g>` → undefined. */
function simpleName(path: string): string | undefined {
  const own = path.split('/').pop()!.replace(/ #\d+$/, '');
  const last = own.replace(/^(static )?(get |set )?/, '').split('.').pop() ?? '';
  return /^[A-Za-z_$][\w$]*$/.test(last) ? last : undefined;
}
