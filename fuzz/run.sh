#!/usr/bin/env bash
# Runs one fuzz harness (or all of them in turn) under AFL++ with SharpFuzz instrumentation.
#
#   fuzz/run.sh <quote|collateral|ratls|cbor|host|selftest|all> [--execs N | --seconds S]
#
# Builds fuzz/BlindAI.Fuzzing (Release), copies it per harness, instruments only the assemblies under test with the
# sharpfuzz tool (.config/dotnet-tools.json), writes the seed corpus from tests/TestData, runs afl-fuzz until the
# execution (default 1000000) or time budget is reached, then prints executions, speed, crashes and hangs from
# fuzzer_stats and replays every crash and hang so the exception is visible. Results land in fuzz/out/<harness>/ and
# one line per run is appended to fuzz/out/results.tsv.
set -euo pipefail

usage() { echo "usage: $0 <quote|collateral|ratls|cbor|host|selftest|all> [--execs N | --seconds S]" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
harness=$1; shift
options=("$@")
budget=(-E 1000000)
budget_text="1000000 executions"
while [[ $# -gt 0 ]]; do
  case $1 in
    --execs) [[ $# -ge 2 ]] || usage; budget=(-E "$2"); budget_text="$2 executions"; shift 2 ;;
    --seconds) [[ $# -ge 2 ]] || usage; budget=(-V "$2"); budget_text="$2 seconds"; shift 2 ;;
    *) usage ;;
  esac
done

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
out=$here/out

if [[ $harness == all ]]; then
  status=0
  for h in quote collateral ratls cbor host; do
    "$0" "$h" "${options[@]}" || status=1
    export FUZZ_REBUILD=0   # built once for the whole round
  done
  exit $status
  exit 0
fi

# The assemblies whose branches afl-fuzz sees: only the code under test, never the harness or the framework.
case $harness in
  quote|collateral|ratls) instrument=(BlindAI.Attestation.dll); timeout_ms=2000 ;;
  cbor) instrument=(BlindAI.Protocol.dll); timeout_ms=2000 ;;
  host) instrument=(BlindAI.SampleHost.dll BlindAI.Protocol.dll); timeout_ms=10000 ;;  # the first input also starts the host
  selftest) instrument=(BlindAI.Protocol.dll); timeout_ms=2000 ;;   # checks that crashes and over-allocations are seen
  *) usage ;;
esac

command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: apt-get install -y afl++" >&2; exit 1; }

build=$out/build
if [[ ! -f $build/BlindAI.Fuzzing.dll || ${FUZZ_REBUILD:-1} == 1 ]]; then
  dotnet build "$here/BlindAI.Fuzzing" -c Release -o "$build" -v quiet -nologo >/dev/null
fi
(cd "$repo" && dotnet tool restore >/dev/null)

work=$out/$harness
rm -rf "$work/bin" "$work/seeds" "$work/findings" "$work/host-data"
mkdir -p "$work"
cp -r "$build" "$work/bin"
for dll in "${instrument[@]}"; do
  (cd "$repo" && dotnet sharpfuzz "$work/bin/$dll" >/dev/null)
done
# Seeds and replays use the uninstrumented build: instrumented code only runs under afl-fuzz (it writes the trace
# to afl-fuzz's shared memory).
dotnet "$build/BlindAI.Fuzzing.dll" "$harness" seed "$work/seeds"

export AFL_SKIP_BIN_CHECK=1          # the target is `dotnet`, not an afl-instrumented binary
export AFL_NO_AFFINITY=1             # the machine is shared: do not pin a core
export AFL_SKIP_CPUFREQ=1
export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_NO_UI=1
export AFL_AUTORESUME=0
export BLINDAI_FUZZ_HOST_DATA=$work/host-data
# afl-fuzz's -m (address-space limit) cannot be used with the .NET runtime, which reserves far more virtual memory
# than it uses; the managed heap is capped instead, so an attacker-sized allocation fails with OutOfMemoryException,
# which escapes the harness and is recorded as a crash. The harness's own guard rejects far smaller excesses.
export DOTNET_GCHeapHardLimit=0x20000000
export DOTNET_TieredPGO=0

started=$(date +%s)
nice -n 10 afl-fuzz -i "$work/seeds" -o "$work/findings" -t "$timeout_ms" -m none "${budget[@]}" \
  -- dotnet "$work/bin/BlindAI.Fuzzing.dll" "$harness" fuzz >"$work/afl.log" 2>&1 || {
  echo "afl-fuzz failed; last lines of $work/afl.log:" >&2; tail -20 "$work/afl.log" >&2; exit 1; }
wall=$(( $(date +%s) - started ))

stats=$work/findings/default/fuzzer_stats
stat() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
execs=$(stat execs_done); speed=$(stat execs_per_sec); crashes=$(stat saved_crashes); hangs=$(stat saved_hangs)
corpus=$(stat corpus_count); edges=$(stat edges_found); runtime=$(stat run_time)
echo "$harness: $execs executions in ${runtime}s of fuzzing (${wall}s wall) at ${speed}/s; corpus $corpus, edges $edges; crashes $crashes, hangs $hangs"

status=0
for kind in crashes hangs; do
  dir=$work/findings/default/$kind
  if compgen -G "$dir/id:*" >/dev/null; then
    status=1
    echo "--- $kind (replayed once each):"
    dotnet "$build/BlindAI.Fuzzing.dll" "$harness" replay "$dir" || true
  fi
done

printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$harness" "$execs" "$speed" "$wall" "$crashes" "$hangs" "$budget_text" "$(date -u +%FT%TZ)" >>"$out/results.tsv"
exit $status
