#!/usr/bin/env bash
# System packages the test suite needs (Debian/Ubuntu). Each block is owned by one area; keep them separate.
set -euo pipefail

# --- email channel: Dovecot IMAP server for test/fixtures/dovecot.ts ---
if ! command -v dovecot >/dev/null 2>&1; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends dovecot-imapd
fi
# --- end email channel ---

# --- web chat widget: Chromium for test/e2e/widget.browser.test.ts (playwright-core drives /usr/bin/chromium) ---
command -v chromium >/dev/null 2>&1 || {
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
}
# --- end web chat widget ---
