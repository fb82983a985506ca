// What the editor bench's extension-host driver (index.ts) hands the bench (bench/src/editor.bench.ts),
// as JSON: kept free of `vscode` so the bench can import it.

/** What one save measured (milliseconds on the shared clock, `now()`). */
export interface EditorSample {
  save: number;
  /** From just before `document.save()` to the first response with the new code. */
  servesMs: number;
  /** From just before `document.save()` to `onDidUpdate`. */
  didUpdateMs: number;
  /** The server's own UpdateReport.milliseconds (didSave handled → report). */
  serverMs: number;
  /** When the server received the save, from just before `document.save()` (report.time − milliseconds). */
  serverReceivedMs: number;
  /** The runtime's own time in its apply (PatchReport.blockedMs). */
  blockedMs: number;
  /** The LiveEdits' round trips through js-debug's session, summed (PatchReport.debuggerEditsMs); NaN when none was made there. */
  editsMs: number;
  /** The program's longest event-loop delay over the save (perf_hooks, reset before each save). */
  stallMs: number;
  /** When VS Code's onDidSaveTextDocument fired, from just before `document.save()`. */
  saveEventMs: number;
}

export interface EditorBenchOutput {
  node: string;
  /** From startDebugging to the program serving its first response. */
  launchMs: number;
  samples: EditorSample[];
}
