// A model of the text diff V8's LiveEdit computes between a script's old and new source, so the
// server can tell, before it sends a patch, which functions V8 will fail to match (and so leave
// their existing closures on old code). V8 compares the two texts line by line, then compares each
// changed run of lines character by character when both sides are shorter than 800 characters.
// Both comparisons are Myers' O(ND) difference algorithm in its linear-space form ("An O(ND)
// Difference Algorithm and Its Variations", 1986, section 4b): a shortest edit script is not
// unique, and which one is found decides where a changed chunk begins and ends, so this follows
// V8's own implementation of it exactly (middle snake, forward step before reverse step, the
// tie-breaks of the furthest-reaching paths, the storage of those paths): the edit script it finds
// is not always a shortest one, and V8 works from that one. Checked against V8 itself
// (test/runtime/liveEditPlan.test.ts, the npm-release acceptance test).

/** A changed range: `[start, end)` of the old text became `[newStart, newEnd)` of the new one. */
export interface SourceChange {
  start: number;
  end: number;
  newStart: number;
  newEnd: number;
}

/** Runs of lines longer than this (on either side) count as one changed chunk, as in V8. */
const CHAR_DIFF_LIMIT = 800;

/** The diff V8's LiveEdit works from, in old-text order. */
export function liveEditDiff(oldText: string, newText: string): SourceChange[] {
  const lines1 = lineStarts(oldText);
  const lines2 = lineStarts(newText);
  const lineOf = (starts: number[], text: string, i: number): string => text.slice(starts[i], i + 1 < starts.length ? starts[i + 1] : text.length);
  const n1 = lines1.length;
  const n2 = lines2.length;
  const line1 = (i: number): string => lineOf(lines1, oldText, i);
  const line2 = (i: number): string => lineOf(lines2, newText, i);
  // Common leading and trailing lines are taken out first.
  let prefix = 0;
  while (prefix < Math.min(n1, n2) && line1(prefix) === line2(prefix)) prefix++;
  let suffix = 0;
  while (suffix < Math.min(n1 - prefix, n2 - prefix) && line1(n1 - suffix - 1) === line2(n2 - suffix - 1)) suffix++;
  const len1 = n1 - prefix - suffix;
  const len2 = n2 - prefix - suffix;
  const charAt = (starts: number[], text: string, line: number): number => (line < starts.length ? starts[line]! : text.length);
  const out: SourceChange[] = [];
  myers(len1, len2, (i, j) => line1(prefix + i) === line2(prefix + j), (l1, l2, c1, c2) => {
    const start1 = charAt(lines1, oldText, prefix + l1);
    const start2 = charAt(lines2, newText, prefix + l2);
    const end1 = charAt(lines1, oldText, prefix + l1 + c1);
    const end2 = charAt(lines2, newText, prefix + l2 + c2);
    if (end1 - start1 < CHAR_DIFF_LIMIT && end2 - start2 < CHAR_DIFF_LIMIT) {
      myers(end1 - start1, end2 - start2, (i, j) => oldText.charCodeAt(start1 + i) === newText.charCodeAt(start2 + j), (p1, p2, k1, k2) => {
        out.push({ start: start1 + p1, end: start1 + p1 + k1, newStart: start2 + p2, newEnd: start2 + p2 + k2 });
      });
    } else {
      out.push({ start: start1, end: end1, newStart: start2, newEnd: end2 });
    }
  });
  return out;
}

/**
 * The start of every line, V8's way: a line ends after `\n`, after a `\r` not followed by `\n`, and
 * after U+2028 / U+2029; the text after the last terminator is a line too (maybe empty).
 */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 0x2028 || c === 0x2029 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return starts;
}

interface Point {
  x: number;
  y: number;
}

/**
 * Myers' linear-space diff of sequences of lengths `n` and `m`. Reports each changed chunk as
 * (position in the first, position in the second, length in the first, length in the second).
 */
function myers(n: number, m: number, equal: (i: number, j: number) => boolean, chunk: (p1: number, p2: number, len1: number, len2: number) => void): void {
  // Furthest-reaching x per diagonal, forward (k = x - y) and reverse (l = k - delta). V8 keeps
  // them in two arrays of n + m + 1 entries for the whole comparison, a negative diagonal counting
  // from the end, so far diagonals of long searches share entries with others, and entries outlive
  // the sub-searches that wrote them. Which edit script V8 finds depends on that, so it is kept.
  const size = n + m + 1;
  const forward = new Int32Array(size);
  const reverse = new Int32Array(size);
  const slot = (i: number): number => (i >= 0 ? i : size + i);
  const F = (k: number): number => forward[slot(k)] ?? 0;
  const setF = (k: number, x: number): void => void (forward[slot(k)] = x);
  const R = (l: number): number => reverse[slot(l)] ?? 0;
  const setR = (l: number, x: number): void => void (reverse[slot(l)] = x);
  const before = (a: Point, b: Point): boolean => a.x < b.x && a.y < b.y;

  const middleSnake = (from: Point, to: Point): { from: Point; to: Point } | undefined => {
    const width = to.x - from.x;
    const height = to.y - from.y;
    if (width + height === 0) return undefined;
    const delta = width - height;
    setF(1, from.x);
    setR(-1, to.x);
    for (let d = 0; d <= Math.ceil((width + height) / 2); d++) {
      // Forward: the furthest d-path on each diagonal k in [-d, d].
      for (let k = -d; k <= d; k += 2) {
        let sx: number;
        let x: number;
        if (k === -d || (k !== d && F(k - 1) < F(k + 1))) {
          sx = x = F(k + 1); // down: an insertion
        } else {
          sx = F(k - 1); // right: a deletion
          x = sx + 1;
        }
        let y = from.y + (x - from.x) - k;
        const sy = d === 0 || sx !== x ? y : y - 1;
        while (x < to.x && y < to.y && equal(x, y)) {
          x++;
          y++;
        }
        setF(k, x);
        const l = k - delta;
        if (delta % 2 !== 0 && l >= -d + 1 && l <= d - 1 && x >= R(l)) return { from: { x: sx, y: sy }, to: { x, y } };
      }
      // Reverse: the furthest reverse d-path on each diagonal l in [-d, d], from `to`.
      for (let l = d; l >= -d; l -= 2) {
        let sx: number;
        let x: number;
        if (l === d || (l !== -d && R(l - 1) > R(l + 1))) {
          sx = x = R(l - 1); // up: an insertion
        } else {
          sx = R(l + 1); // left: a deletion
          x = sx - 1;
        }
        const k = l + delta;
        let y = from.y + (x - from.x) - k;
        const sy = d === 0 || sx !== x ? y : y + 1;
        while (before(from, { x, y }) && equal(x - 1, y - 1)) {
          x--;
          y--;
        }
        setR(l, x);
        if (delta % 2 === 0 && k >= -d && k <= d && x <= F(k)) return { from: { x, y }, to: { x: sx, y: sy } };
      }
    }
    return undefined;
  };

  const editPath = (from: Point, to: Point): Point[] | undefined => {
    const snake = middleSnake(from, to);
    if (!snake) return undefined;
    const head = editPath(from, snake.from);
    const tail = editPath(snake.to, to);
    return [...(head ?? [snake.from]), ...(tail ?? [snake.to])];
  };

  const path = editPath({ x: 0, y: 0 }, { x: n, y: m });
  if (!path) return;
  // Walk the path: diagonals close a chunk, single moves open one.
  let open: Point | undefined;
  const unchanged = (p: Point): void => {
    if (!open) return;
    chunk(open.x, open.y, p.x - open.x, p.y - open.y);
    open = undefined;
  };
  const changed = (p: Point): void => {
    if (!open) open = { ...p };
  };
  const diagonal = (p: Point, q: Point): void => {
    while (p.x < q.x && p.y < q.y && equal(p.x, p.y)) {
      unchanged(p);
      p.x++;
      p.y++;
    }
  };
  for (let i = 1; i < path.length; i++) {
    const p = { ...path[i - 1]! };
    const q = path[i]!;
    diagonal(p, q);
    const move = q.x - p.x - (q.y - p.y);
    if (move === -1) {
      changed(p);
      p.y++;
    } else if (move === 1) {
      changed(p);
      p.x++;
    }
    diagonal(p, q);
  }
  unchanged(path[path.length - 1]!);
}
