#!/usr/bin/env bash
# Coverage-guided fuzzing with AFL++ through SharpFuzz.
#   fuzz/run.sh TARGET SECONDS [OUT]     one target (emb-fuzz lists them), e.g. fuzz/run.sh jpeg 3600
#   fuzz/run.sh all SECONDS [OUT]        every target in turn, SECONDS each
# Needs afl++ (apt-get install afl++) and the SharpFuzz instrumenter (dotnet tool install -g SharpFuzz.CommandLine
# --version 2.3.0). Publishes the harness to OUT/build-TARGET, instruments our assemblies in place, runs afl-fuzz with the
# seeds in fuzz/corpus/TARGET, then prints the run's statistics and copies crashes and hangs to fuzz/findings/TARGET
# for triage (a fixed one becomes a file in fuzz/regressions/TARGET, which CI replays with the corpus).
set -euo pipefail
cd "$(dirname "$0")"
here="$PWD"
[ $# -ge 2 ] || { echo "usage: fuzz/run.sh TARGET|all SECONDS [OUT]" >&2; exit 2; }
target="$1"; seconds="$2"; out="${3:-/tmp/emb-fuzz}"
command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: apt-get install afl++" >&2; exit 2; }
sharpfuzz="$(command -v sharpfuzz || echo "$HOME/.dotnet/tools/sharpfuzz")"
[ -x "$sharpfuzz" ] || { echo "sharpfuzz not found: dotnet tool install -g SharpFuzz.CommandLine --version 2.3.0" >&2; exit 2; }

# One instrumented build per target (two targets may be fuzzed at once), rebuilt when any source changed since
# (a fix must be fuzzed as it is now).
stale() { [ ! -f "$1/.instrumented" ] || [ -n "$(find ../runtime ../converter ../boards ../firmware . -name '*.cs' -newer "$1/.instrumented" -not -path '*/obj/*' -print -quit)" ]; }
prepare() {
  local build="$1"
  stale "$build" || return 0
  rm -rf "$build" "$build.artifacts"
  # Its own artifacts path: two publishes at once must not share obj/ folders.
  dotnet publish Embedded.Fuzz -c Release -o "$build" --artifacts-path "$build.artifacts" -v q >/dev/null
  # Only our own code is instrumented: coverage of the BCL and of packages would be noise for AFL.
  for assembly in Embedded.Runtime Embedded.Converter Embedded.Imaging Embedded.Boards Embedded.Boards.V4L2 emb-board; do
    "$sharpfuzz" "$build/$assembly.dll" >/dev/null
  done
  touch "$build/.instrumented"
}

# An allocation sized from the input should fail as OutOfMemory (a crash) rather than take the machine: 1 GB of heap.
export DOTNET_GCHeapHardLimit=0x40000000 DOTNET_TieredPGO=0
# A run continues where the last one in OUT stopped (its queue), so time adds up.
export AFL_AUTORESUME=1
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1

run_one() {
  local t="$1"
  [ -d "corpus/$t" ] || { echo "no seeds in fuzz/corpus/$t" >&2; exit 2; }
  local build="$out/build-$t"
  prepare "$build"
  echo "== $t: $seconds s =="
  # -t: per-input time limit in ms (+ = skip inputs that time out during the seed pass); -m none: .NET reserves more.
  afl-fuzz -V "$seconds" -t 5000 -m none -i "corpus/$t" -o "$out/$t" -- dotnet "$build/emb-fuzz.dll" "$t" >"$out/$t.log" 2>&1 || {
    echo "afl-fuzz failed; the end of $out/$t.log:" >&2; tail -n 30 "$out/$t.log" >&2; exit 1; }
  local stats="$out/$t/default/fuzzer_stats"
  for key in run_time execs_done execs_per_sec corpus_count bitmap_cvg edges_found saved_crashes saved_hangs; do
    printf '  %-14s %s\n' "$key" "$(sed -n "s/^$key *: //p" "$stats")"
  done
  # The campaign's record (committed): one line per run, so hours add up across sessions.
  [ -f campaign.tsv ] || printf 'date\ttarget\tseconds\texecs\tcorpus\tedges\tcrashes\thangs\n' > campaign.tsv
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%M)" "$t" $(for key in run_time execs_done corpus_count edges_found saved_crashes saved_hangs; do sed -n "s/^$key *: //p" "$stats"; done) >> campaign.tsv
  for kind in crashes hangs; do
    local found=("$out/$t/default/$kind"/id:*)
    if [ -e "${found[0]}" ]; then
      mkdir -p "$here/findings/$t"
      cp "${found[@]}" "$here/findings/$t/"
      echo "  $kind copied to fuzz/findings/$t (reproduce: dotnet $build/emb-fuzz.dll $t FILE)"
    fi
  done
}

if [ "$target" = all ]; then
  for t in $(ls corpus); do run_one "$t"; done
else
  run_one "$target"
fi
