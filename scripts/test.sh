#!/usr/bin/env bash
# The whole test suite (unit, integration, end-to-end) with one closing summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/sbin:/sbin"
results=.vitest-results.json
rm -f "$results"
npx vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@"
rc=$?
if [[ -f $results ]]; then
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const skipped = r.numPendingTests + r.numTodoTests;
    // A suite that failed outside any test (a hook, an import) counts as a failure too.
    const failed = r.numFailedTests > 0 ? r.numFailedTests : r.numFailedTestSuites;
    console.log(`vitest: ${r.numPassedTests} passed, ${failed} failed, ${skipped} skipped`);
  ' "$results"
fi
exit $rc
