// Tells the user when a program that became a target runs other text than its files on disk: a
// program attached to again after saves made while it was not (or changed by another tool). Its
// next save then applies more than that save's own edit, so the user hears it once, with the
// choice to apply the files now. Notices of targets that appear together (a process and its
// workers) make one notification.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunningTextDiffers } from '../../common/protocol';
import { notify, showHistoryAction } from './notify';

/** How long notices are gathered after the first, so one attach makes one notification. */
const GATHER_MS = 500;

export const APPLY_FILES_COMMAND = 'liveUpdate.applyFiles';

export interface ShownNotice {
  message: string;
  actions: string[];
  files: string[];
}

export class RunningTextNotices {
  /** The notifications shown, oldest first (the hidden command `liveUpdate.runningTextNotices`, for the tests). */
  readonly shown: ShownNotice[] = [];
  private gathered: RunningTextDiffers.Params[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  add(notice: RunningTextDiffers.Params): void {
    this.log.info(`${notice.targetName} runs other text than the files of ${notice.files.join(', ')}`);
    this.gathered.push(notice);
    this.timer ??= setTimeout(() => this.show(), GATHER_MS);
  }

  private show(): void {
    const notices = this.gathered;
    this.gathered = [];
    this.timer = undefined;
    const files = [...new Set(notices.flatMap((n) => n.files))];
    const names = files.map((f) => path.basename(f));
    const what = files.length === 1 ? names[0]! : `${files.length} files (${names.slice(0, 3).join(', ')}${files.length > 3 ? ', …' : ''})`;
    const who = notices.map((n) => n.targetName).join(', ');
    const message =
      `Live Update: ${who} ${notices.length === 1 ? 'runs' : 'run'} ${what} as ${files.length === 1 ? 'it differs' : 'they differ'} from the file${files.length === 1 ? '' : 's'} on disk ` +
      `(saved while the program was not attached, or changed by another tool). The next save applies the whole difference; Apply Now applies ${files.length === 1 ? 'the file' : 'them'} as the editor shows ${files.length === 1 ? 'it' : 'them'}.`;
    const actions = { 'Apply Now': () => vscode.commands.executeCommand(APPLY_FILES_COMMAND, files), ...showHistoryAction };
    this.shown.push({ message, actions: Object.keys(actions), files });
    void notify('info', message, actions);
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
