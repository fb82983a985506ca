// The analysis of one save as the engine runs it: the incremental path when the edit lies inside
// one function's body (one function reparsed), else the whole file parsed and compared. Shared by
// the engine and the benchmarks, so what is measured is what runs.
import { compareCollected, type FileChanges } from './changes';
import { collectFunctions, type FileFunctions } from './functions';
import { compareIncremental } from './incremental';

export interface SaveAnalysis {
  changes: FileChanges;
  /** The saved text's functions: derived (cheap) or parsed; read it after the patch is applied. */
  after: () => FileFunctions;
  incremental: boolean;
}

export function compareSaved(
  file: string,
  before: FileFunctions,
  beforeText: string,
  afterText: string,
  parse: (text: string) => FileFunctions = (text) => collectFunctions(file, text),
): SaveAnalysis {
  const fast = compareIncremental(file, before, beforeText, afterText);
  if (fast) return { changes: fast.changes, after: () => fast.after, incremental: true };
  const after = parse(afterText);
  return { changes: compareCollected(before, after), after: () => after, incremental: false };
}
