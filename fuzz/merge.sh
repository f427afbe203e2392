#!/usr/bin/env bash
# Merges a campaign's queue into the committed corpus, minimized: afl-cmin keeps the smallest set of files (seeds and
# queue entries) that covers every edge the queue reached; the named seeds stay, the queue's keepers are added as qNNNNNN.
#   fuzz/merge.sh TARGET [OUT]      OUT as given to run.sh (default /tmp/emb-fuzz); uses OUT/build-TARGET
# afl-cmin refuses to work under /tmp, so the scratch folder is fuzz/.merge (not committed).
set -euo pipefail
cd "$(dirname "$0")"
[ $# -ge 1 ] || { echo "usage: fuzz/merge.sh TARGET [OUT]" >&2; exit 2; }
target="$1"; out="${2:-/tmp/emb-fuzz}"
queue="$out/$target/default/queue"; build="$out/build-$target"
[ -d "$queue" ] && [ -f "$build/emb-fuzz.dll" ] || { echo "no campaign for $target in $out (run fuzz/run.sh $target SECONDS first)" >&2; exit 2; }
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 DOTNET_GCHeapHardLimit=0x40000000 DOTNET_TieredPGO=0
dotnet="$(readlink -f "$(command -v dotnet)")"   # afl-cmin wants the real executable, not a symlink
scratch=".merge/$target"
rm -rf "$scratch"; mkdir -p "$scratch/in"
cp "corpus/$target"/* "$scratch/in/"
for f in "$queue"/id:*; do cp "$f" "$scratch/in/q$(basename "$f" | cut -c4-9)"; done
afl-cmin -i "$scratch/in" -o "$scratch/out" -t 5000 -m none -- "$dotnet" "$build/emb-fuzz.dll" "$target" > "$scratch/cmin.log" 2>&1 \
  || { tail -n 20 "$scratch/cmin.log" >&2; exit 1; }
rm -f "corpus/$target"/q*
cp "$scratch/out"/q* "corpus/$target/" 2>/dev/null || true
echo "$target: $(ls "corpus/$target" | wc -l) files in fuzz/corpus/$target ($(grep -o 'Narrowed down to [0-9]* files' "$scratch/cmin.log"))"
rm -rf "$scratch"
