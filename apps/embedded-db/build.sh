#!/usr/bin/env bash
# Builds apps/embedded-db/bin/parley-embedded-db (pure Go, no CGO).
# Skips the build when the binary is newer than main.go (all *.go), go.mod and go.sum.
# Usage: apps/embedded-db/build.sh [--force]   (works from any cwd)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  export PATH="/usr/local/go/bin:$PATH"
fi

bin=bin/parley-embedded-db
# Up to date when the binary exists and no *.go / go.mod / go.sum is newer.
if [ "${1:-}" != "--force" ] && [ -x "$bin" ] \
  && [ -z "$(find . -maxdepth 1 \( -name '*.go' -o -name go.mod -o -name go.sum \) -newer "$bin" -print -quit)" ]; then
  echo "parley-embedded-db: up to date ($PWD/$bin)" >&2
  exit 0
fi

echo "parley-embedded-db: building $PWD/$bin" >&2
mkdir -p bin
CGO_ENABLED=0 go build -trimpath -o "$bin.tmp" .
mv -f "$bin.tmp" "$bin"
echo "parley-embedded-db: built $PWD/$bin" >&2
