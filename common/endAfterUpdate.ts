// What both front ends say when a program ends right after an update it took (the editor's
// notice, client/src/programEnds.ts; the command line's line, cli/src/run.ts): the window in which
// the end is said to follow the update, and how the update is named.
import * as path from 'node:path';
import type { UpdateReport } from './reports';

/** How long after an update a program's end is said to follow it. */
export const END_AFTER_UPDATE_MS = 10_000;

/** The update as the sentence names it: `f, g (file.ts)`, or the file when no function changed. */
export function updateName(report: Pick<UpdateReport, 'functions' | 'file'>): string {
  const file = path.basename(report.file);
  return report.functions.length ? `${report.functions.join(', ')} (${file})` : file;
}
