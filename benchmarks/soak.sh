#!/usr/bin/env bash
# Soak test of the on-board loop (issue #23): emb-board run on an emulated camera in fast mode for FRAMES frames
# (default 100,000) with the bundled V3-Small, `--stats` every STEP frames, then the first and last samples side by
# side: managed heap, working set, threads and handles must stay flat, and the GC counts show what the loop allocates
# (it should allocate nothing per frame). A benchmark, not a test: it takes minutes and its numbers are the report.
#
# Usage: benchmarks/soak.sh [--frames N] [--step N] [--camera SPEC] [--model M.emb]
set -euo pipefail
cd "$(dirname "$0")/.."
frames=100000; step=10000; camera="sim-arducam:firmware/samples/images"; model="firmware/samples/models/mobilenet_v3_small_int8.emb"
while [ $# -gt 0 ]; do
  case "$1" in
    --frames) frames="$2"; shift 2;;
    --step) step="$2"; shift 2;;
    --camera) camera="$2"; shift 2;;
    --model) model="$2"; shift 2;;
    -h|--help) sed -n '2,7p' "$0"; exit 0;;
    *) echo "soak: unknown option $1" >&2; exit 2;;
  esac
done
dotnet build firmware/Embedded.Firmware -c Release -v q >/dev/null
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
echo "soak: $frames frames of $camera through $model, stats every $step"
start=$(date +%s)
dotnet firmware/Embedded.Firmware/bin/Release/net10.0/emb-board.dll run --model "$model" --camera "$camera" --frames "$frames" --json --stats "$step" \
  2>"$log" >/dev/null
end=$(date +%s)
grep '^{"frames"' "$log" > "$log.stats" || { echo "soak: no statistics; stderr:" >&2; cat "$log" >&2; exit 1; }
python3 - "$log.stats" "$((end - start))" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
first, last = rows[0], rows[-1]
mb = lambda b: f"{b / 1048576:.1f} MB"
print(f"{'frames':>8} {'s':>7} {'managed':>9} {'allocated':>10} {'gen0/1/2':>10} {'working set':>12} {'threads':>7} {'handles':>7}")
for r in rows:
    print(f"{r['frames']:>8} {r['seconds']:>7} {mb(r['managed_bytes']):>9} {mb(r['allocated_bytes']):>10} {r['gen0']:>4}/{r['gen1']}/{r['gen2']} {mb(r['working_set']):>12} {r['threads']:>7} {r['handles']:>7}")
frames = last['frames'] - first['frames']
print(f"between frame {first['frames']} and {last['frames']} ({sys.argv[2]} s in all): managed heap {mb(first['managed_bytes'])} -> {mb(last['managed_bytes'])}, "
      f"allocated {(last['allocated_bytes'] - first['allocated_bytes']) / max(frames, 1):.1f} bytes/frame, "
      f"working set {mb(first['working_set'])} -> {mb(last['working_set'])}, threads {first['threads']} -> {last['threads']}, handles {first['handles']} -> {last['handles']}")
PY
rm -f "$log.stats"
