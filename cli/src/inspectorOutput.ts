// What Node prints on stderr about its inspector: the URL we connect to, and lines that are about
// our connection rather than the user's program (not passed on to the terminal).
export const INSPECTOR_URL = /ws:\/\/[^\s]+/;

const NOISE = [/^Debugger listening on ws:\/\//, /^For help, see: https:\/\/nodejs\.org\//, /^Debugger attached\.$/, /^Debugger ending on ws:\/\//, /^Waiting for the debugger to disconnect\.\.\.$/];

export function inspectorNoise(line: string): boolean {
  return NOISE.some((pattern) => pattern.test(line));
}
