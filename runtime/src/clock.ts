// The runtime's clock, taken from Node when the runtime loads and never looked up again.
// A runtime call runs at an interrupt, anywhere in the program, even while Node is loading one of
// its own modules: the `performance` global loads Node's perf modules on first use, and doing that
// inside a call can meet them half built (an apply failed on Node 24 with "setDispatchBufferFull is
// not a function"). And a program may fake its clock (test fake timers replace `performance.now`):
// the runtime's timings, its deadlines and its timers must not follow it.
import { performance } from 'node:perf_hooks';
import * as timers from 'node:timers';

/** Milliseconds, monotonic (`performance.now()` as Node defined it when the runtime loaded). */
export const now: () => number = performance.now.bind(performance);

/** `performance.eventLoopUtilization`, as Node defined it when the runtime loaded. */
export const eventLoopUtilization: typeof performance.eventLoopUtilization = performance.eventLoopUtilization.bind(performance);

/** `Date.now`, as it was when the runtime loaded (fake timers replace `Date` too). */
export const wallNow: () => number = Date.now;

/**
 * Node's timers, as `node:timers` has them (the globals are what fake timers replace: a pending
 * update's attempts must still be made while a test has the program's clock stopped).
 */
export const { setTimeout, clearTimeout, setImmediate, clearImmediate } = timers;

export type EventLoopUtilization = ReturnType<typeof performance.eventLoopUtilization>;
