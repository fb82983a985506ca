// A small JavaScript tokenizer for the running text (common/runningText.ts, common/loadScopes.ts):
// the runtime has no parser, yet must lay out a module's running text exactly as the server does.
// It knows strings, template literals with nested `${}`, comments, regular expressions told from
// division by the token before, and brackets; everything else is a word, a number or a punctuator.
// It is property-tested against TypeScript's parser (test/server/topLevelConst.test.ts).

export interface Token {
  kind: 'word' | 'number' | 'string' | 'template' | 'regex' | 'punct' | 'open' | 'close' | 'dot' | 'private';
  start: number;
  end: number;
  /** Brackets open around the token (for `open`, before it; for `close`, after it). */
  depth: number;
}

/** Keywords after which a `/` starts a regular expression (they end no expression). */
const REGEX_AFTER_WORD = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await', 'extends']);

const isIdent = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 36 || c === 95 || c === 92 || c > 127;

/**
 * Calls `visit` with each token of `code`, in order; false when the scan is unsure (an
 * unterminated string, comment, template or regular expression, unbalanced brackets), true when it
 * reached the end. A template's `${` is an `open` token and its `}` a `close` one (text `$`).
 */
export function scanTokens(code: string, visit: (token: Token) => void): boolean {
  const n = code.length;
  // Brackets open now; a template's `${` pushes '$' so its `}` resumes the template.
  const stack: string[] = [];
  // What the last significant token was: 'start', 'punct' (an operator or opener: a `/` after it
  // starts a regular expression), 'value' (an identifier, number, string, closer: division),
  // 'word' (a keyword after which an expression starts), 'dot' (member access follows).
  let last: 'start' | 'punct' | 'value' | 'word' | 'dot' = 'start';
  let i = 0;
  const emit = (kind: Token['kind'], start: number, end: number): void => visit({ kind, start, end, depth: stack.length });
  // A template's text from `from` (after a backtick, or a `}` that closes a `${`) as a token from
  // `i`, up to its end or its next `${`; false when it does not end.
  const templateFrom = (from: number): boolean => {
    const end = templateText(from);
    if (end < 0) return false;
    if (!inSubstitution) emit('template', i, end);
    i = end;
    last = inSubstitution ? 'punct' : 'value';
    return true;
  };
  // A value token from `i` through the identifier characters from `from` (a regex's flags, a private name).
  const valueThrough = (kind: Token['kind'], from: number): void => {
    let j = from;
    while (j < n && isIdent(code.charCodeAt(j))) j++;
    emit(kind, i, j);
    i = j;
    last = 'value';
  };
  if (code.startsWith('#!')) {
    const eol = code.indexOf('\n');
    i = eol < 0 ? n : eol;
  }
  // Scans a template literal's text from after its backtick (or after a `}` that closes a `${`);
  // returns the offset after it ends, or after a `${` (pushed), or -1 when unterminated.
  let inSubstitution = false;
  const templateText = (from: number): number => {
    inSubstitution = false;
    let j = from;
    while (j < n) {
      const c = code.charCodeAt(j);
      if (c === 92) j += 2;
      else if (c === 96) return j + 1;
      else if (c === 36 && code.charCodeAt(j + 1) === 123) {
        emit('template', from - 1, j);
        emit('open', j, j + 2);
        stack.push('$');
        inSubstitution = true;
        return j + 2;
      } else j++;
    }
    return -1;
  };
  while (i < n) {
    const c = code.charCodeAt(i);
    // Whitespace and line terminators.
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff || c === 0x2028 || c === 0x2029) {
      i++;
      continue;
    }
    if (c === 47) {
      const next = code.charCodeAt(i + 1);
      if (next === 47) {
        const eol = code.indexOf('\n', i);
        i = eol < 0 ? n : eol;
        continue;
      }
      if (next === 42) {
        const end = code.indexOf('*/', i + 2);
        if (end < 0) return false;
        i = end + 2;
        continue;
      }
      if (last === 'start' || last === 'punct' || last === 'word') {
        // A regular expression: up to the `/` outside a class, then its flags.
        let j = i + 1;
        let inClass = false;
        for (;;) {
          if (j >= n) return false;
          const r = code.charCodeAt(j);
          if (r === 10 || r === 13) return false;
          if (r === 92) j += 2;
          else if (r === 91) (inClass = true), j++;
          else if (r === 93) (inClass = false), j++;
          else if (r === 47 && !inClass) break;
          else j++;
        }
        valueThrough('regex', j + 1);
        continue;
      }
      emit('punct', i, i + 1);
      i++;
      last = 'punct';
      continue;
    }
    if (c === 39 || c === 34) {
      let j = i + 1;
      for (;;) {
        if (j >= n) return false;
        const s = code.charCodeAt(j);
        if (s === c) break;
        if (s === 92) j += 2;
        else if (s === 10 || s === 13) return false;
        else j++;
      }
      emit('string', i, j + 1);
      i = j + 1;
      last = 'value';
      continue;
    }
    if (c === 96) {
      if (!templateFrom(i + 1)) return false;
      continue;
    }
    if (isIdent(c)) {
      let j = i + 1;
      while (j < n && isIdent(code.charCodeAt(j))) j++;
      const word = code.slice(i, j);
      // A number such as `1.5`: its dot is part of it.
      if (c >= 48 && c <= 57) {
        while (j < n && (isIdent(code.charCodeAt(j)) || code.charCodeAt(j) === 46 || ((code.charCodeAt(j) === 43 || code.charCodeAt(j) === 45) && /[eE]/.test(code[j - 1]!) && !/^0[xX]/.test(code.slice(i, j))))) j++;
        emit('number', i, j);
        last = 'value';
      } else {
        emit('word', i, j);
        if (last !== 'dot' && (REGEX_AFTER_WORD.has(word) || word === 'as')) last = 'word';
        else last = 'value';
      }
      i = j;
      continue;
    }
    // Punctuators.
    if (c === 40 || c === 91 || c === 123) {
      emit('open', i, i + 1);
      stack.push(code[i]!);
      i++;
      last = 'punct';
      continue;
    }
    if (c === 41 || c === 93 || c === 125) {
      const open = stack.pop();
      if (c === 125 && open === '$') {
        emit('close', i, i + 1);
        if (!templateFrom(i + 1)) return false;
        continue;
      }
      if (open !== (c === 41 ? '(' : c === 93 ? '[' : '{')) return false;
      emit('close', i, i + 1);
      i++;
      // After `)` or `]` a `/` divides; after `}` it starts a regular expression (a block ended).
      last = c === 125 ? 'punct' : 'value';
      continue;
    }
    if (c === 46 && !(code.charCodeAt(i + 1) >= 48 && code.charCodeAt(i + 1) <= 57)) {
      // `.`, `?.` and `...`: a name after it is a property.
      if (code.startsWith('...', i)) {
        emit('punct', i, i + 3);
        i += 3;
        last = 'punct';
      } else {
        emit('dot', i, i + 1);
        i++;
        last = 'dot';
      }
      continue;
    }
    if (c === 46) {
      // `.5`
      let j = i + 1;
      while (j < n && (isIdent(code.charCodeAt(j)) || ((code.charCodeAt(j) === 43 || code.charCodeAt(j) === 45) && /[eE]/.test(code[j - 1]!)))) j++;
      emit('number', i, j);
      i = j;
      last = 'value';
      continue;
    }
    if (c === 63 && code.charCodeAt(i + 1) === 46 && !(code.charCodeAt(i + 2) >= 48 && code.charCodeAt(i + 2) <= 57)) {
      emit('dot', i, i + 2);
      i += 2;
      last = 'dot';
      continue;
    }
    if ((c === 43 || c === 45) && code.charCodeAt(i + 1) === c) {
      // `++`/`--`: after a value it is postfix, and a `/` after it divides.
      emit('punct', i, i + 2);
      i += 2;
      if (last !== 'value') last = 'punct';
      continue;
    }
    if (c === 35) {
      // A private name `#x`: a value.
      valueThrough('private', i + 1);
      continue;
    }
    emit('punct', i, i + 1);
    i++;
    last = 'punct';
  }
  return stack.length === 0;
}

/** The tokens of `code`, or undefined when the scan is unsure. */
export function tokensOf(code: string): Token[] | undefined {
  const tokens: Token[] = [];
  return scanTokens(code, (t) => tokens.push(t)) ? tokens : undefined;
}
