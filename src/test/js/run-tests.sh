#!/usr/bin/env bash
# Runs the browser code's unit tests with Node's built-in runner. Node is not needed to build Coedit, so without it
# the tests are skipped with a plain message, unless the first argument is "required" (CI), which makes that a
# failure.
set -euo pipefail
cd "$(dirname "$0")/../../.."
if command -v node >/dev/null 2>&1; then
  exec node --test src/test/js/
fi
if [[ "${1:-optional}" == "required" ]]; then
  echo "JavaScript tests: Node.js is required (-Dcoedit.node=required) but 'node' is not on the PATH" >&2
  exit 1
fi
echo "JavaScript tests SKIPPED: Node.js 18+ is not on the PATH (src/test/js needs it; apt-get install nodejs)"
