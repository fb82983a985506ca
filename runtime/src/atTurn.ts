// Version consistency per event (issue 20): an update never lands in the middle of the program's
// own code. The inspector delivers a call by interrupting running JavaScript, so an `apply` can
// arrive while a request handler or a timer callback is half done; applied there, the rest of that
// event would run the new version of what it had not called yet (the old `handle` calling the new
// `label`: 22–78 of 80,000 answers mixed two versions under load). Such an apply waits for the
// event to end: it is queued as the debugger's updates are (debuggerEditor.ts `DebuggerApplies`,
// edits made in the runtime's own session), for the next turn of the event loop (`setImmediate`:
// after the running callback and its microtasks), where every function the save changes becomes
// visible at the same instant. The caller asks `applyProgress` with the token until the report
// comes (server/src/core/targetPort.ts `untilLanded`). A program that gives no turn — paused at a
// breakpoint, or a loop that never returns (`EVENT_LIMIT_MS`) — gets the update at that ask, in the
// middle: what is active then is split off and waits, and the report says so.
import { captureLiveStack } from './stack';

/** How long an update waits for the running event to end before it lands in the middle of it. */
export const EVENT_LIMIT_MS = 1_000;

/** The runtime's own file (its bundle): its frames are the call itself, not the program's. */
const RUNTIME_FILE = captureLiveStack()[0]?.file;

/**
 * Whether JavaScript other than the runtime's and Node's own is on the stack below this call: the
 * program is in the middle of an event. At an idle event loop there is none.
 */
export function inTheMiddleOfAnEvent(): boolean {
  return captureLiveStack().some((f) => f.file !== RUNTIME_FILE && !f.file.startsWith('node:'));
}
