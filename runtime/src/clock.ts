// The runtime's clock, taken from Node when the runtime loads and never looked up again.
// A runtime call runs at an interrupt, anywhere in the program, even while Node is loading one of
// its own modules: the `performance` global loads Node's perf modules on first use, and doing that
// inside a call can meet them half built (an apply failed on Node 24 with "setDispatchBufferFull is
// not a function"). And a program may fake its clock (test fake timers replace `performance.now`):
// the runtime's timings and its spacing of attempts must not follow it.
import { performance } from 'node:perf_hooks';

/** Milliseconds, monotonic (`performance.now()` as Node defined it when the runtime loaded). */
export const now: () => number = performance.now.bind(performance);

/** `performance.eventLoopUtilization`, as Node defined it when the runtime loaded. */
export const eventLoopUtilization: typeof performance.eventLoopUtilization = performance.eventLoopUtilization.bind(performance);

export type EventLoopUtilization = ReturnType<typeof performance.eventLoopUtilization>;
