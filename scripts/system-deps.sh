#!/usr/bin/env bash
# The component tests run real local programs: nginx (traffic probe), Chromium (report.html) and
# openssl (the certificates a run makes);
# `system-deps.sh bench` adds ripgrep, the reference make bench times diagnose against.
# Installs the missing ones from Debian/Ubuntu packages when this is root with apt-get; otherwise
# says what to install and fails, so a test never passes by skipping them.
set -euo pipefail
missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
# make bench also times diagnose against ripgrep over the same message strings
[ "${1:-}" = bench ] && ! command -v rg >/dev/null 2>&1 && missing+=(ripgrep)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} for the component tests" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "the component tests need: ${missing[*]} (e.g. sudo apt-get install ${missing[*]})" >&2
  exit 3
fi
