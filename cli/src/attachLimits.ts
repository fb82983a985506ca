// What `attach` cannot do that `run` does, in one place: shown when attaching, logged in the
// `attached` event, and explained in docs/cli.md.
export const ATTACH_LIMITS =
  'Modules loaded before attaching run as Node loaded them: plain JavaScript CommonJS functions can be updated, but `eval` in their scope is unavailable and TypeScript files need `live-update run`.';
