// The pieces of a call's argument that arrive before the call (common/runtimeApi.ts
// `argumentPieces`: one large message can crash Node's inspector server, so a patch travels in
// pieces). A caller that dies between its pieces and its call leaves them behind: only the
// newest few calls' pieces are kept, so what is left can never grow.
const KEPT_CALLS = 4;

export class StagedArguments {
  private readonly pieces = new Map<string, string[]>();

  piece(key: string, text: string): void {
    const id = String(key);
    let list = this.pieces.get(id);
    if (!list) {
      list = [];
      this.pieces.set(id, list);
      for (const old of this.pieces.keys()) {
        if (this.pieces.size <= KEPT_CALLS) break;
        this.pieces.delete(old);
      }
    }
    list.push(String(text));
  }

  /** The argument: the pieces kept under `key`, then `last`; they are forgotten. */
  joined(key: string, last: string): string {
    const list = this.pieces.get(String(key)) ?? [];
    this.pieces.delete(String(key));
    return list.join('') + String(last);
  }
}
