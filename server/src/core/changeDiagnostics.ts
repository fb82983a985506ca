// What the analysis of one save tells the user before and after the runtime has answered: the
// top-level statements that keep running as they were, changes in kind and signature, instances
// that keep their old fields, names removed but still read. One sentence each, on the declaration.
import { DiagnosticCodes } from '../../../common/reports';
import type { FileChanges, FunctionChange, TopLevelChange } from '../analysis/changes';
import { resetsExportsOnly, type DefinitionPlan } from '../analysis/definitionSteps';
import { withoutTrivia, type FunctionInfo } from '../analysis/functions';
import type { LoadDependence } from '../analysis/loadDependence';
import type { ScopeOutcome } from '../analysis/loadScopeSteps';
import type { TopLevelStatement } from '../analysis/topLevel';
import type { LiveDiagnostic } from './diagnostics';

/** Statements the user may run once in the running program (see the `runStatement` command). */
export const RUNNABLE_CLASSES = new Set(['effect', 'state', 'unsure']);

/** Names removed from the file that it still reads: the update would throw a ReferenceError there. */
export function danglingDiagnostics(changes: FileChanges): LiveDiagnostic[] {
  return changes.dangling.map((d) => ({
    severity: 'error',
    code: DiagnosticCodes.removedButUsed,
    message: `Not applied: \`${d.name}\` was removed but is still used here, so the updated program would throw a ReferenceError. Restore it or remove this use; the program keeps the previous version.`,
    start: d.at,
    end: { line: d.at.line, column: d.at.column + d.name.length },
  }));
}

/** Kind changes V8 would not carry out (the body is unchanged, so it keeps the compiled function). */
export function kindOnlyDiagnostics(changes: FileChanges): LiveDiagnostic[] {
  return changes.changed
    .filter((c) => c.kindOnly)
    .map((c) => ({
      severity: 'error',
      code: DiagnosticCodes.kindChanged,
      message: `Not applied: \`${c.after.displayName}\` ${joinNotes(c.notes)} with its body unchanged, and V8 keeps a function whose body did not change as it was compiled, so the running program would keep calling the old kind. Change its body in the same save (or restart the program). The program keeps the previous version.`,
      start: c.after.nameStart,
      end: c.after.nameEnd,
    }));
}

/**
 * Changes of a class member's kind (method, getter, setter) and of a top-level name between
 * function and class: the running program keeps what the module defined when it ran (a prototype's
 * data property, a function binding), so a LiveEdit would make it run the new code the old way.
 */
export function reshapedDiagnostics(changes: FileChanges): LiveDiagnostic[] {
  return (changes.reshaped ?? []).map((r) => ({
    severity: 'error',
    code: DiagnosticCodes.kindChanged,
    message:
      `Not applied: \`${r.name}\` changed from a ${r.before} to a ${r.after}. ` +
      (r.member
        ? `A class's members keep the kind they had when the class was defined, so the running program would go on using it as a ${r.before}. `
        : `The running module keeps the ${r.before} it declared when it ran, so its users would go on getting the old one. `) +
      'Restart the program to apply it. The program keeps the previous version.',
    start: r.start,
    end: r.end,
  }));
}

/**
 * The top-level changes that leave the program unlike a fresh start of the saved text (issue 20,
 * "applied" means it): a changed or added statement the update did not run (a definition kept at
 * its old value, an effect or an unsure statement not run again, a new statement not run), and a
 * removed effect or unsure statement (what it did stays). State is state: a changed initializer of
 * a binding the program changes keeps the running value by design, and is not counted.
 * Functions and classes are compared function by function, elsewhere.
 */
export function keptTopLevel(changes: Pick<FileChanges, 'topLevel'>, definitions?: DefinitionPlan, declared: readonly string[] = []): TopLevelChange[] {
  return changes.topLevel.filter(({ change, statement }) => {
    if (definitions?.reevaluated.has(statement.key) || definitions?.settled?.has(statement.key)) return false;
    if (statement.reason === 'declares a function' || statement.reason === 'declares a class') return false;
    // The state notation (`void function transform$x(old) {…}`, `revert$x`) is no program statement.
    if (/^void\s+function\s+(transform|revert)\$/.test(statement.source)) return false;
    // A compiler's `exports.a = … = void 0` header changes nothing the wiring after it does not set.
    if (resetsExportsOnly(statement.source)) return false;
    if (change === 'removed') return statement.class === 'effect' || statement.class === 'unsure';
    // A new declaration whose binding the update made (a `declaration` step ran its initializer).
    if (change === 'added' && statement.names.length > 0 && statement.names.every((n) => declared.includes(n))) return false;
    return change === 'added' || statement.class !== 'state';
  });
}

/**
 * Functions that ran once when the module loaded (an IIFE or UMD wrapper, `FunctionInfo.loadTime`)
 * whose own statements changed: V8 swaps their text, nothing runs them again — unless the update
 * ran every changed statement of the body again in the wrapper's scope, and no unchanged one
 * holds what the old ones made (`scopes`, analysis/loadScopeSteps.ts). Layout and comments do not
 * count.
 */
export function keptLoadTime(changes: FileChanges, scopes: readonly ScopeOutcome[] = []): FunctionInfo[] {
  return changedLoadTime(changes)
    .filter((c) => !scopes.some((s) => s.path === c.after.path && s.changes.length > 0 && !s.layoutChanged && s.dependents.length === 0 && keptTopLevel({ topLevel: s.changes }, s.definitions).length === 0))
    .map((c) => c.after);
}

/** The load-time functions whose own statements changed (layout and comments aside). */
export function changedLoadTime(changes: FileChanges): FunctionChange[] {
  return changes.changed.filter((c) => c.after.loadTime && withoutTrivia(c.before.ownText) !== withoutTrivia(c.after.ownText));
}

/**
 * A module that is only data (no function at all: a table, a configuration) whose exports the update
 * re-evaluated: its importers read it while they loaded, and what they copied from it then (`new
 * Mime(require('./types'))`) stays as it was. Live Update cannot see those copies, so it says so.
 */
export function dataModuleWarning(changes: FileChanges, definitions: DefinitionPlan | undefined, functionCount: number): LiveDiagnostic | undefined {
  if (functionCount > 0 || !definitions) return undefined;
  const wiring = changes.topLevel.find((c) => definitions.reevaluated.has(c.statement.key) && /^(module\.exports|exports)\b/.test(c.statement.key));
  if (!wiring) return undefined;
  return {
    severity: 'warning',
    code: DiagnosticCodes.topLevelKept,
    message: 'This module is data only, and its exports now have the new values; but modules that read them while they loaded keep what they copied then (a table built from it, a value read once). Restart the program if one does.',
    start: wiring.statement.anchorStart,
    end: wiring.statement.anchorEnd,
  };
}

/** What became of the members a class gained, added to the running class (analysis/classMembers.ts). */
export function addedMemberDiagnostics(members: FunctionInfo[]): LiveDiagnostic[] {
  return members.map((fn) => ({
    severity: 'information',
    code: DiagnosticCodes.definitionReevaluated,
    message: `\`${fn.displayName}\` is new: it was added to the running class, made from an evaluated copy of this text, and existing instances have it. A breakpoint set here may not stop in it until the program restarts.`,
    start: fn.nameStart,
    end: fn.nameEnd,
  }));
}

/** A warning on each new member of a class the running program defined before it, which the update could not add. */
export function newMemberDiagnostics(members: FunctionInfo[]): LiveDiagnostic[] {
  return members.map((fn) => ({
    severity: 'warning',
    code: DiagnosticCodes.topLevelKept,
    message: `\`${fn.displayName}\` is new in a class the module defined when it loaded, and Live Update could not add it to the running class (a computed or private name, or a class that is no top-level declaration): code that uses it fails until the program restarts.`,
    start: fn.nameStart,
    end: fn.nameEnd,
  }));
}

/**
 * A warning on each wrapper whose changed statements do not all run again; when the update ran
 * some of them in its scope (`scopes`), it names those it did not.
 */
export function loadTimeDiagnostics(wrappers: FunctionInfo[], scopes: readonly ScopeOutcome[] = []): LiveDiagnostic[] {
  return wrappers.map((fn) => {
    const scope = scopes.find((s) => s.path === fn.path);
    const kept = scope ? [...keptTopLevel({ topLevel: scope.changes }, scope.definitions), ...scope.dependents.map((statement) => ({ statement: statement.statement }))].map((c) => `\`${c.statement.key}\``) : [];
    const message =
      scope && !scope.layoutChanged && scope.definitions.reevaluated.size > 0 && kept.length > 0
        ? `\`${fn.displayName}\` ran once, when the module loaded: this update ran its changed definitions again in its scope, but ${[...new Set(kept)].join(', ')} did not run again and ${kept.length === 1 ? 'stays' : 'stay'} as at load. Restart the program to get ${kept.length === 1 ? 'it' : 'them'}.`
        : `\`${fn.displayName}\` ran once, when the module loaded, and does not run again: the functions defined in it run their new code, but what its changed statements define, add or build stays as it was at load. Restart the program to get them.`;
    return { severity: 'warning', code: DiagnosticCodes.topLevelKept, message, start: fn.nameStart, end: fn.nameEnd };
  });
}

/** A warning on each unchanged statement that holds what the previous version's code made at load. */
export function dependentDiagnostics(dependents: LoadDependence[]): LiveDiagnostic[] {
  return dependents.map(({ statement, reason }) => ({
    severity: 'warning',
    code: DiagnosticCodes.topLevelKept,
    message: `${statement.names.length ? statement.names.map((n) => `\`${n}\``).join(', ') : 'This statement'} ran when the module loaded and does not run again, but it ${reason}: the program keeps what the previous version made here. Restart the program to get what the new code makes.`,
    start: statement.anchorStart,
    end: statement.anchorEnd,
    data: { statementKey: statement.key, runnable: RUNNABLE_CLASSES.has(statement.class) },
  }));
}

/** The reason a target that took the update is only partly live: what still runs as the module loaded it. */
export function keptReason(kept: TopLevelChange[], wrappers: FunctionInfo[] = [], dependents: LoadDependence[] = [], members: FunctionInfo[] = []): string | undefined {
  const labels = [
    ...new Set([...kept.map(({ statement }) => `\`${statement.key}\``), ...wrappers.map((fn) => `the statements of \`${fn.displayName}\``), ...dependents.map(({ statement }) => `\`${statement.key}\``), ...members.map((fn) => `new member \`${fn.displayName}\``)]),
  ];
  if (labels.length === 0) return undefined;
  const shown = labels.length > 3 ? `${labels.slice(0, 3).join(', ')} and ${labels.length - 3} more` : labels.join(', ');
  return `top-level code not run again: ${shown} ${labels.length === 1 ? 'stays' : 'stay'} as the module loaded ${labels.length === 1 ? 'it' : 'them'} (run ${labels.length === 1 ? 'it' : 'them'} with the Quick Fix, or restart to get ${labels.length === 1 ? 'it' : 'them'})`;
}

/** Top-level statements an update leaves as they ran (CommonJS and scripts: V8 swaps the text only). */
export function topLevelDiagnostics(changes: FileChanges, definitions?: DefinitionPlan, declared: readonly string[] = []): LiveDiagnostic[] {
  const out: LiveDiagnostic[] = [];
  const kept = new Set(keptTopLevel(changes, definitions, declared).map((c) => c.statement.key));
  for (const change of changes.topLevel) {
    if (change.change === 'removed') continue; // No line left to put it on; the report lists it.
    if (definitions?.reevaluated.has(change.statement.key)) {
      out.push(reevaluatedDiagnostic(change, definitions));
      continue;
    }
    const settled = definitions?.settled?.get(change.statement.key);
    if (settled) {
      out.push({ severity: 'information', code: DiagnosticCodes.definitionReevaluated, message: settled, start: change.statement.anchorStart, end: change.statement.anchorEnd });
      continue;
    }
    const message = topLevelMessage(change, definitions?.kept.get(change.statement.key));
    if (!message) continue;
    out.push({
      // What leaves the program unlike a fresh start is a warning: the update is only partly live.
      severity: kept.has(change.statement.key) ? 'warning' : 'information',
      code: DiagnosticCodes.topLevelKept,
      message,
      start: change.statement.anchorStart,
      end: change.statement.anchorEnd,
      data: { statementKey: change.statement.key, runnable: RUNNABLE_CLASSES.has(change.statement.class) },
    });
  }
  return out;
}

/** A changed definition the update ran again in the module's scope (with what depended on it). */
function reevaluatedDiagnostic({ change, statement }: TopLevelChange, definitions: DefinitionPlan): LiveDiagnostic {
  const names = statement.names.map((n) => `\`${n}\``).join(', ');
  const others = definitions.steps.filter((s) => s.label !== statement.key).map((s) => `\`${s.label}\``);
  const also = others.length ? ` Re-evaluated with it, in source order: ${others.slice(0, 5).join(', ')}${others.length > 5 ? ` and ${others.length - 5} more` : ''}.` : '';
  return {
    severity: 'information',
    code: DiagnosticCodes.definitionReevaluated,
    message:
      statement.reason === 'wires exports'
        ? `${change === 'added' ? 'This new exports wiring ran' : 'This exports wiring ran again'} in the running module, inside the update: the exports object importers hold now has the new members.${also}`
        : `${change === 'added' ? 'This new definition ran' : `${names || 'This definition'} was re-evaluated`} in the running module, inside the update: functions now compute with the new value${names.includes(',') ? 's' : ''}.${also}`,
    start: statement.anchorStart,
    end: statement.anchorEnd,
  };
}

function topLevelMessage({ change, statement }: TopLevelChange, keptBecause?: string): string | undefined {
  const names = statement.names.map((n) => `\`${n}\``).join(', ');
  const what = change === 'added' ? 'This new top-level statement was not run' : 'This top-level statement was not re-run';
  switch (statement.class) {
    case 'state':
      return `${names || 'This statement'} ${statement.reason}: the running program keeps its current value${names ? '' : 's'}, and the new initializer takes effect at the next start. To convert the running value, write \`void function transform$${statement.names[0] ?? 'name'}(old) { return … };\` next to it (it runs once, in this update), or re-initialize it from the new initializer (Quick Fix).`;
    case 'effect':
      return `${what}: it acts outside the module (it ${statement.reason}). The running program keeps what the previous version did; run it now with the Quick Fix.`;
    case 'definition':
      if (statement.reason === 'declares a function' || statement.reason === 'declares a class') return undefined; // Compared function by function.
      if (statement.reason === 'wires exports') {
        return `The module's exports were wired when it loaded: the running program keeps the previous wiring until it restarts${change === 'added' ? ' (the new statement was not run)' : ''}${keptBecause ? ` (not re-evaluated: ${keptBecause})` : ''}. Edited function bodies are live; what the module exports is not.`;
      }
      return `${names || 'This definition'} ${statement.reason}, computed when the module loaded: the running program keeps the value it computed then until it restarts${change === 'added' ? '; the new statement was not run' : ''}${keptBecause ? ` (not re-evaluated: ${keptBecause})` : ''}.`;
    case 'unsure':
      return `${what}: it ${statement.reason}, so Live Update cannot tell whether running it again is safe. The program keeps what it did; run it now with the Quick Fix if it is.`;
  }
}

/**
 * Compiled JavaScript takes only the changed functions (never text the edit did not change), so
 * its top level stays as it runs: say so once, where the top level changed.
 */
export function builtTopLevelDiagnostics(changes: FileChanges, complete: boolean): LiveDiagnostic[] {
  const first = changes.topLevel.find((c) => c.change !== 'removed')?.statement;
  if (!first && complete) return [];
  return [
    {
      severity: 'information',
      code: DiagnosticCodes.topLevelKept,
      message: `Only functions are patched into the compiled JavaScript, so its top level stays as it runs${first ? ` (this statement ${first.reason})` : ''}.${complete ? '' : ' Functions added or removed at the top level are not in the running program until it is rebuilt and restarted.'}`,
      start: first?.anchorStart ?? { line: 0, column: 0 },
      end: first?.anchorEnd ?? { line: 0, column: 0 },
    },
  ];
}

/** An ES module's top level cannot change while it runs: say what stayed, once, where it changed. */
export function esmTopLevelDiagnostic(changes: FileChanges, patched: string[], complete: boolean, lineDrift: number, definitions?: DefinitionPlan, declared: string[] = []): LiveDiagnostic {
  const first: TopLevelStatement | undefined = changes.topLevel.find((c) => c.change !== 'removed')?.statement;
  const names = (list: string[]) => list.map((n) => `\`${n}\``).join(', ');
  const steps = definitions?.steps.map((s) => `\`${s.label}\`` ) ?? [];
  const parts = [
    patched.length ? `the functions were updated (${names(patched)})` : '',
    steps.length ? `the definitions were re-evaluated in the module's scope (${steps.slice(0, 5).join(', ')}${steps.length > 5 ? ` and ${steps.length - 5} more` : ''}), so their bindings hold the new values while the running text keeps the old lines` : '',
    declared.length ? `new top-level declarations were added to the running program (${names(declared)}; in its global scope until it restarts)` : '',
  ].filter(Boolean);
  const updated =
    parts.length === 0
      ? 'no function changed, so nothing was updated'
      : parts.length === 1 && patched.length
        ? `only the functions were updated (${names(patched)})`
        : `${parts.join(', and ')}; every other top-level statement stays as it ran`;
  const missing = complete || declared.length ? '' : ' Functions added or removed at the top level are not in the running program until it restarts.';
  const moved = lineDrift !== 0 ? ` The running script's lines no longer match the file's (by up to ${lineDrift} line${lineDrift === 1 ? '' : 's'}), so until the next start breakpoints may bind to the wrong line.` : '';
  return {
    severity: 'information',
    code: DiagnosticCodes.esmTopLevelKept,
    message: `The top level of this ES module stays as it runs (V8 cannot change a module's top-level code while it runs): ${updated}.${missing}${moved}`,
    start: first?.anchorStart ?? { line: 0, column: 0 },
    end: first?.anchorEnd ?? { line: 0, column: 0 },
  };
}

/** Changes in kind, signature and construction that callers or existing objects may notice. */
export function functionNoteDiagnostics(changes: FileChanges): LiveDiagnostic[] {
  const out: LiveDiagnostic[] = [];
  for (const change of changes.changed) {
    const at = { start: change.after.nameStart, end: change.after.nameEnd };
    if (change.notes.length > 0 && !change.kindOnly) {
      out.push({
        severity: 'information',
        code: DiagnosticCodes.kindChanged,
        message: `\`${change.after.displayName}\` ${joinNotes(change.notes)}${consequence(change)}`,
        ...at,
      });
    }
    if (change.after.kind === 'constructor') {
      out.push({
        severity: 'hint',
        code: DiagnosticCodes.instancesNotMigrated,
        message: `Objects already built keep what the previous constructor set up; only objects built from now on run the new \`${change.after.displayName}\`. Fields it adds or no longer sets are migrated in existing objects; to change their values too, write \`static migrate$(instance) { … }\` in the class (it runs once per existing instance).`,
        ...at,
      });
    }
  }
  for (const change of changes.topLevel) {
    if (change.change !== 'changed' || !change.statement.key.startsWith('class ')) continue;
    out.push({
      severity: 'hint',
      code: DiagnosticCodes.instancesNotMigrated,
      message: `The fields of class ${change.statement.names.map((n) => `\`${n}\``).join('') || 'this class'} changed: instances that already exist keep the values of their fields; instances created from now on get the new ones. To change existing instances too, write \`static migrate$(instance) { … }\` in the class (it runs once per existing instance).`,
      start: change.statement.anchorStart,
      end: change.statement.anchorEnd,
    });
  }
  return out;
}

function joinNotes(notes: string[]): string {
  return notes.length === 1 ? notes[0]! : `${notes.slice(0, -1).join(', ')} and ${notes.at(-1)!}`;
}

function consequence(change: FunctionChange): string {
  if (change.before.isAsync !== change.after.isAsync) {
    return change.after.isAsync ? ': callers now get a Promise instead of the value. Activations already running finish the old way.' : ': callers now get the value instead of a Promise.';
  }
  if (change.before.isGenerator !== change.after.isGenerator) {
    return change.after.isGenerator ? ': callers now get an iterator instead of the value.' : ': callers now get the value instead of an iterator; generators already started finish the old way.';
  }
  if (change.before.kind === 'arrow' || change.after.kind === 'arrow') {
    return change.after.kind === 'arrow' ? ': it now takes `this` and `arguments` from where it is defined.' : ': it now has its own `this` and `arguments`.';
  }
  return '.';
}

/**
 * The changed functions an update re-made in the running module (analysis/remadeFunctions.ts):
 * they run the new code, from an evaluated copy rather than the file's script, which a debugger's
 * breakpoint in the file may not reach.
 */
export function remadeDiagnostics(changes: FileChanges, names: readonly string[]): LiveDiagnostic[] {
  return names.flatMap((name) => {
    const fn = changes.changed.find((c) => c.after.path === name)?.after;
    if (!fn) return [];
    return [
      {
        severity: 'information',
        code: DiagnosticCodes.definitionReevaluated,
        message: `\`${name}\` was re-made from its new text in the running module: V8's text diff could not match the old function to its new text (which would have left it on its old code), and the module only calls it, so its binding now holds the new function. That function runs from an evaluated copy of this text: a breakpoint set here may not stop in it until the program restarts.`,
        start: fn.nameStart,
        end: fn.nameEnd,
      } satisfies LiveDiagnostic,
    ];
  });
}
