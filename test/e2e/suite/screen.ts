// What the workbench draws, as a person would read it: the rows of the visible terminal, the text
// editors show after their lines, the side bar's views, the status bar and notifications; and a
// few things a user does (press a button, click a status bar item). The tests run in the extension host, which cannot see the screen;
// the runner (scripts/lib/screenChannel.mjs) reads the DOM of the page it drives and answers on a
// loopback URL given in LIVE_UPDATE_E2E_SCREEN. Under @vscode/test-electron there is no such
// channel, and the tests that need it skip.
import { eventually } from './support';

const url = process.env.LIVE_UPDATE_E2E_SCREEN;

export const screenAvailable = (): boolean => url !== undefined;

async function ask<T>(query: string): Promise<T | undefined> {
  if (!url) throw new Error('no screen channel (LIVE_UPDATE_E2E_SCREEN)');
  const response = await fetch(`${url}/${query}`);
  if (response.status === 503) return undefined;
  if (!response.ok) throw new Error(`screen channel: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** The rows of the visible terminal, top to bottom, trailing blanks trimmed. */
export async function terminalRows(): Promise<string[]> {
  return (await ask<string[] | null>('terminal')) ?? [];
}

/** Waits until the visible terminal shows a row matching `pattern`; returns that row. */
export async function waitForRow(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  let last: string[] = [];
  try {
    return await eventually(`a terminal row matching ${pattern}`, async () => (last = await terminalRows()).find((r) => pattern.test(r)), timeoutMs);
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- the terminal shows ---\n${last.join('\n')}`);
  }
}

/** The rows matching `pattern` now. */
export async function rowsMatching(pattern: RegExp): Promise<string[]> {
  return (await terminalRows()).filter((r) => pattern.test(r));
}

/** What the editors draw after their text (decorations' `after.contentText`), their lines, how many breakpoints, and the CodeLenses. */
export async function editorScreen(): Promise<{ after: string[]; lines: string[]; breakpointGlyphs: number; lenses: string[] }> {
  return (await ask<{ after: string[]; lines: string[]; breakpointGlyphs: number; lenses: string[] }>('editor')) ?? { after: [], lines: [], breakpointGlyphs: 0, lenses: [] };
}

/** Saves a screenshot of the workbench as `<name>.png` (only under scripts/screenshots.mjs). */
export async function capture(name: string): Promise<void> {
  if (!url) throw new Error('no screen channel (LIVE_UPDATE_E2E_SCREEN)');
  const response = await fetch(`${url}/capture/${name}`);
  if (!response.ok) throw new Error(`screen channel: capture ${name}: ${response.status} ${await response.text()}`);
}

/** A side bar view as drawn: the rows of its tree (label — description) and its welcome text, if shown. */
export interface DrawnView {
  title: string;
  rows: string[];
  welcome: string;
}

/** The side bar's views as drawn now (the view container that is open). */
export async function sideBarViews(): Promise<DrawnView[]> {
  return (await ask<DrawnView[]>('views')) ?? [];
}


/** The status bar's items as drawn: text and accessible label. */
export async function statusBarItems(): Promise<{ text: string; label: string }[]> {
  return (await ask<{ text: string; label: string }[]>('statusBar')) ?? [];
}

/** The labels of the buttons shown now (the dialog's, when one is shown). */
export async function buttons(): Promise<string[]> {
  return (await ask<string[]>('buttons')) ?? [];
}

/** Presses the visible button labelled `label` (the dialog's, when one is shown), as a user would; false when there is none. */
export function pressButton(label: string): Promise<boolean> {
  return act('press', label);
}

/** Clicks the status bar item whose text contains `text`; false when there is none. */
export function clickStatusBarItem(text: string): Promise<boolean> {
  return act('status', text);
}

async function act(action: string, argument: string): Promise<boolean> {
  if (!url) throw new Error('no screen channel (LIVE_UPDATE_E2E_SCREEN)');
  const response = await fetch(`${url}/${action}/${encodeURIComponent(argument)}`);
  return response.ok;
}

/** The text of Live Update's status bar item as drawn ('' when it is hidden). */
export async function liveStatusText(): Promise<string> {
  const items = (await ask<{ id: string; text: string }[]>('statusBar')) ?? [];
  return items.find((i) => i.id.endsWith('liveUpdate.status'))?.text ?? '';
}

/** The Debug Console's rows as drawn; undefined while it is not shown (`workbench.debug.action.toggleRepl` shows it). */
export async function debugConsoleRows(): Promise<string[] | undefined> {
  return (await ask<string[] | null>('debugConsole')) ?? undefined;
}

/** Waits until Live Update's status bar item shows text matching `pattern`; returns that text. */
export async function statusShows(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  let last = '';
  try {
    return await eventually(`the status bar to show ${pattern}`, async () => pattern.test((last = await liveStatusText())) && last, timeoutMs);
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)} (it shows "${last}")`);
  }
}

/** The notifications drawn now (toasts, and the notification center when open): message and buttons. */
export async function notifications(): Promise<{ message: string; buttons: string[] }[]> {
  return (await ask<{ message: string; buttons: string[] }[]>('notifications')) ?? [];
}

/** The rows the Problems panel draws; undefined while it is not shown (`workbench.actions.view.problems` opens it). */
export async function problemRows(): Promise<string[] | undefined> {
  return (await ask<string[] | null>('problems')) ?? undefined;
}

/** The tooltip drawn when the mouse rests on the status bar item whose text contains `text` ('' if none shows). */
export async function statusBarTooltip(text: string): Promise<string> {
  if (!(await act('hoverStatus', text))) return '';
  try {
    return await eventually(`the tooltip of the status bar item "${text}"`, async () => ((await ask<string[]>('hover')) ?? []).join('\n') || undefined, 5_000);
  } catch {
    return '';
  }
}
