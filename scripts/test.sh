#!/usr/bin/env bash
# The test suite in two rounds. The tests that run several `rostersync` processes for minutes (two
# `serve` instances on one store, overlapping imports, a PostgreSQL connection cut mid-run) run
# after the rest: started together with the timing-bound tests (retries with short timeouts,
# schedulers with time limits), their processes take the cores those tests need. Arguments go to
# both `swift test` rounds. Run it inside scripts/with-postgres.sh to include the PostgreSQL cases.
set -euo pipefail
cd "$(dirname "$0")/.."

processes='MultiInstanceServeTests|PostgresFault|SharedStoreTests'
swift build --build-tests
status=0
swift test --skip-build --skip "$processes" "$@" || status=$?
swift test --skip-build --filter "$processes" "$@" || status=$?
exit "$status"
