// The change a version applied, in a diff editor: a file before and after the version, served on a
// scheme of our own and read-only. The language server keeps the running texts by hash
// (server/src/core/runningTexts.ts); shown is the file as written at each (TypeScript with its types) when the server saw
// that text, else the code V8 ran (types blanked to whitespace) without the line Live Update
// appends to each module.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { VersionRecord } from '../../../common/patch';
import type { HistoryRequest, TargetHistory } from '../../../common/protocol';
import { blankedPartOf, CONST_AS_LET } from '../../../common/runningText';
import { notify, showHistoryAction } from '../notify';

export const VERSION_SCHEME = 'live-update-version';

/** How many versions' texts are kept here (each is asked of the program once). */
const CACHED_VERSIONS = 20;

type Side = 'before' | 'after';

export class VersionDiffs implements vscode.TextDocumentContentProvider {
  /** `target\nversion` → the version's record with its texts (a version never changes). */
  private readonly cache = new Map<string, Promise<VersionRecord | undefined>>();

  constructor(private readonly histories: (request: HistoryRequest) => Promise<TargetHistory[]>) {}

  static register(histories: (request: HistoryRequest) => Promise<TargetHistory[]>): { diffs: VersionDiffs; registration: vscode.Disposable } {
    const diffs = new VersionDiffs(histories);
    return { diffs, registration: vscode.workspace.registerTextDocumentContentProvider(VERSION_SCHEME, diffs) };
  }

  /** Opens the diff of `file` (default: the version's first file) as version `version` changed it. */
  async show(targetId: string, version: number, file?: string): Promise<boolean> {
    const record = await this.record(targetId, version);
    const changed = record?.files.find((f) => file === undefined || f.file === file);
    if (!record || !changed || changed.before === undefined || changed.after === undefined) {
      void notify('info', `Live Update: the program no longer keeps the texts of version ${version} (it keeps those of its last versions only).`, showHistoryAction);
      return false;
    }
    const uri = (side: Side) => vscode.Uri.from({ scheme: VERSION_SCHEME, path: changed.file, query: new URLSearchParams({ target: targetId, version: String(version), file: changed.file, side }).toString() });
    const restores = record.restores !== undefined ? ` (restores ${record.restores})` : '';
    const title = `${path.basename(changed.file)}: version ${version - 1} ↔ ${version}${restores}`;
    await vscode.commands.executeCommand('vscode.diff', uri('before'), uri('after'), title, { preview: true });
    return true;
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const query = new URLSearchParams(uri.query);
    const version = Number(query.get('version'));
    const side = query.get('side') === 'before' ? 'before' : 'after';
    const file = (await this.record(query.get('target') ?? '', version))?.files.find((f) => f.file === query.get('file'));
    const text = file?.[side];
    if (text === undefined) return `// The program no longer keeps this text of version ${version}.\n`;
    // The file as written at that version (TypeScript with its types) when the server knows it.
    return file![side === 'before' ? 'beforeSource' : 'afterSource'] ?? displayText(text, file!.file);
  }

  private record(targetId: string, version: number): Promise<VersionRecord | undefined> {
    const key = `${targetId}\n${version}`;
    let record = this.cache.get(key);
    if (!record) {
      record = this.histories({ target: targetId, since: version - 1, until: version, texts: true }).then(
        (answer) => answer[0]?.history?.versions.find((v) => v.version === version),
        () => undefined,
      );
      // An answer without the record (the target ended, the server restarted) is asked again next time.
      void record.then((r) => r ?? this.cache.delete(key));
      this.cache.set(key, record);
      if (this.cache.size > CACHED_VERSIONS) this.cache.delete(this.cache.keys().next().value!);
    }
    return record;
  }
}

/** A running text as the user wrote it, as far as it can be told: no appended accessor line, `const` again. */
function displayText(running: string, file: string): string {
  return (blankedPartOf(running, file) ?? running).replaceAll(CONST_AS_LET, 'const');
}
