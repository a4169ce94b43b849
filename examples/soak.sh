#!/usr/bin/env bash
# The serve soak (issue 16): starts `serve` in its own JVM, sends it 100,000 (context, candidate)
# pairs over loopback HTTP and reads its resident memory (VmRSS) before the load, after the
# warm-up and every 10,000 pairs; fails if the memory keeps growing after the warm-up or if a
# request is not answered 200. Minutes long, so not part of `mvn verify`; run it by hand:
#
#   bash examples/soak.sh                  # build, then the full soak
#   bash examples/soak.sh --pairs 20000 --warm-up-pairs 4000 --checkpoint-pairs 4000   # shorter
#   bash examples/soak.sh --help           # every option and default
#   MVN='mvn -o' bash examples/soak.sh     # how to call Maven (here: offline)
#
# The server inherits the environment (ServeSoak sets OMP_WAIT_POLICY=PASSIVE unless it is set),
# so libtorch and malloc settings apply to it: ONEDNN_PRIMITIVE_CACHE_CAPACITY=32 bash ...
#
# Exit codes: 0 passed, 1 failed (memory kept growing, a request lost, the build or the server
# failed), 2 bad arguments. Linux only: it reads /proc.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

# -DskipTests still compiles the tests, where the soak's client lives (ServeSoak). The build's
# output is shown only if it fails, so that a bad argument below leaves one line on stderr.
if ! build=$(${MVN:-mvn} -q -B -DskipTests package -pl examples -am 2>&1); then
  printf '%s\n' "$build" >&2
  exit 1
fi

# The jar's manifest puts its lib/ folder on the classpath too (Gson, the ArgParser of the CLI).
exec java -cp examples/target/test-classes:examples/target/reranker-examples.jar \
  dev.reranker.examples.ServeSoak "$@"
