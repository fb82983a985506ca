// What a saved file will run as: its running text (TypeScript blanked exactly as the runtime blanks
// it at load, see common/runningText) and whether it parses at all.
import ts from 'typescript';
import { hashText, type Position } from '../../../common/patch';
import { isTypeScriptFile, toRunningText, type Compilers, type TypeStripper } from '../../../common/runningText';
import { transpileKeepingLines } from '../../../common/transpile';
import { collectFunctions, type SyntaxError } from '../analysis/functions';
import { blankIncrementally, type PreviousSave } from './incrementalBlanking';

export type SavedText =
  | { ok: true; code: string; hash: string; positionExact: boolean; toSource?: (position: Position) => Position }
  | { ok: false; syntaxErrors: SyntaxError[] };

// Bundled into the server; the same amaro version as the runtime's copy (one package-lock entry).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stripper = (): TypeStripper => require('amaro') as TypeStripper;

/**
 * The compilers of running texts, as the runtime has them: amaro, and the same TypeScript build the
 * runtime loads (the server bundles it; the build copies its file beside the runtime).
 */
export const serverCompilers: Compilers = {
  strip: stripper,
  transpile: (input) => transpileKeepingLines(ts, input),
};

/**
 * The running text of a saved file. With the previous save of a TypeScript file (and its parsed
 * functions), an edit inside one function's body blanks that function alone (incrementalBlanking).
 */
export function runningTextOf(file: string, source: string, previous?: PreviousSave): SavedText {
  if (previous && isTypeScriptFile(file)) {
    const code = blankIncrementally(file, source, previous, stripper);
    if (code !== undefined) return { ok: true, code, hash: hashText(code), positionExact: true };
  }
  let running;
  try {
    running = toRunningText(source, file, serverCompilers);
  } catch (e) {
    // It does not parse. The TypeScript parser reports syntax errors with positions a user can act
    // on (only now: a whole-file parse is too slow for every save of a large file).
    const { syntaxErrors } = isTypeScriptFile(file) ? collectFunctions(file, source) : { syntaxErrors: [] };
    if (syntaxErrors.length > 0) return { ok: false, syntaxErrors };
    const message = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    return { ok: false, syntaxErrors: [{ message, start: { line: 0, column: 0 }, end: { line: 0, column: 0 } }] };
  }
  return { ok: true, code: running.code, hash: hashText(running.code), positionExact: running.positionExact, ...(running.toSource ? { toSource: running.toSource } : {}) };
}
