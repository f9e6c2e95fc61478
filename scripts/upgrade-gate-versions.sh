#!/usr/bin/env bash
# What the upgrade-gate workflow gates: the versions a manual run names, or, on a push that changed
# versions.yaml, the kic.default before the push against the one after it. Writes from, to,
# component, mode and run=true|false to $GITHUB_OUTPUT; when there is nothing to gate it says why
# in $GITHUB_STEP_SUMMARY and exits 0, so the job skips cleanly instead of failing.
#
# Env: FROM, TO, COMPONENT, MODE (workflow_dispatch inputs); BEFORE (github.event.before on push:
# the commit the branch pointed at before the push, all zeros for a new branch).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${GITHUB_OUTPUT:-/dev/stdout}
summary=${GITHUB_STEP_SUMMARY:-/dev/stderr}

skip() {
  echo "Upgrade gate skipped: $1." >> "$summary"
  echo "run=false" >> "$out"
  exit 0
}

# kic.default of the versions.yaml on stdin, read with the project's YAML parser
kic_default() {
  (cd "$root" && node --input-type=module -e "import { parse } from 'yaml'; let s = ''; process.stdin.on('data', (d) => (s += d)).on('end', () => console.log(parse(s).kic.default));")
}

if [ -z "${FROM:-}" ]; then
  before=${BEFORE:-}
  if [ -z "$before" ] || [[ "$before" =~ ^0+$ ]]; then
    skip "this push created the branch, so there is no earlier versions.yaml to upgrade from"
  fi
  # A push may carry many commits and the checkout is shallow: fetch the base itself.
  if ! git cat-file -e "$before^{commit}" 2>/dev/null && ! git fetch --quiet --no-tags --depth=1 origin "$before" 2>/dev/null; then
    skip "the commit before the push ($before) cannot be fetched; was the history rewritten?"
  fi
  old=$(git show "$before:versions.yaml" 2>/dev/null) || skip "versions.yaml did not exist at $before"
  FROM=$(kic_default <<<"$old")
  TO=$(kic_default < versions.yaml)
  [ "$FROM" != "$TO" ] || skip "kic.default is $TO before and after the push; there is no upgrade to gate"
fi
{
  echo "from=$FROM"
  echo "to=${TO:?TO is required with FROM}"
  echo "component=${COMPONENT:-kic}"
  echo "mode=${MODE:-dbless}"
  echo "run=true"
} >> "$out"
