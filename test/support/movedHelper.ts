// A library whose next release moves a helper the module only calls (`trim`, called by `parse`)
// below another function and changes it: V8's LiveEdit takes the moved text for a new function
// and leaves the binding on the old closure (the shape of npm `cookie` 1.0.2 → 1.1.0). Used by
// the runtime and LSP tests of re-made functions (server/src/analysis/remadeFunctions.ts).
const TRIM_V1 = "function trim(s) {\n  return s.replace(/^ +| +$/g, '');\n}\n";
const SERIALIZE = "function serialize(parts) {\n  return parts.join('; ');\n}\n";

export const HELPER_BEFORE = `'use strict';
exports.parse = parse;
exports.serialize = serialize;
function parse(str) {
  return str.split(';').map((part) => trim(part));
}
${TRIM_V1}${SERIALIZE}`;

/** `trim` moved below `serialize`, and it wraps each part in `<…>`. */
export const HELPER_AFTER = HELPER_BEFORE.replace(TRIM_V1, '').replace(SERIALIZE, `${SERIALIZE}function trim(s) {\n  return '<' + s.trim() + '>';\n}\n`);
