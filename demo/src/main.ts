// The Live Update demo: a tiny visitor counter that prints a line every second.
//
// Try it: while it runs, change the text that `banner` returns (say "version 1" → "version 2")
// and save. The next line printed in the Debug Console uses the new code, and the visitor count
// carries on from where it was: same process, same state.

interface Snapshot {
  tick: number;
  visitors: number;
}

// Program state: it grows while the program runs, and an update keeps it.
let tick = 0;
let visitors = 0;

function banner(snapshot: Snapshot): string {
  return `Hello from version 1 — ${snapshot.visitors} visitors so far`;
}

function arrive(): number {
  return 1 + (tick % 3);
}

setInterval(() => {
  tick++;
  visitors += arrive();
  console.log(`[${tick}] ${banner({ tick, visitors })} (pid ${process.pid})`);
}, 1000);
