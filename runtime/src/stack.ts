// The live synchronous stack at apply time. A patch arrives through `Runtime.evaluate`, which runs
// on top of whatever the program is doing (or on top of the paused frames), so the frames below
// the runtime's own are exactly the program's activations.

export interface LiveFrame {
  functionName: string;
  file: string;
  /** 0-based, like every position in the patch format. */
  line: number;
  column: number;
}

export function captureLiveStack(): LiveFrame[] {
  const savedPrepare = Error.prepareStackTrace;
  const savedLimit = Error.stackTraceLimit;
  let sites: NodeJS.CallSite[] = [];
  try {
    Error.stackTraceLimit = Infinity;
    Error.prepareStackTrace = (_error, callSites) => callSites;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, captureLiveStack);
    sites = holder.stack as NodeJS.CallSite[];
  } finally {
    Error.prepareStackTrace = savedPrepare;
    Error.stackTraceLimit = savedLimit;
  }
  const frames: LiveFrame[] = [];
  for (const site of sites) {
    const file = site.getFileName();
    const line = site.getLineNumber();
    const column = site.getColumnNumber();
    if (!file || line === null || column === null) continue;
    frames.push({
      functionName: site.getFunctionName() ?? '<anonymous>',
      file: file.startsWith('file://') ? decodeURIComponent(new URL(file).pathname) : file,
      line: line - 1,
      column: column - 1,
    });
  }
  return frames;
}
