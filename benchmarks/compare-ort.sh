#!/usr/bin/env bash
# Side-by-side latency on this machine: ONNX Runtime fp32 (float ONNX model) and `emb bench` (int8 .emb), single
# thread, alternating ROUNDS times so both see the same machine state. Needs the ORT peer:
#   bash ../shared/tools/ort/setup.sh
# Usage: benchmarks/compare-ort.sh [ROUNDS] [EMB_THREADS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
threads=${2:-1}
shared=$(cd ../shared && pwd)
ort=${PEERS_DIR:-/tmp/emb-peers}/ort
onnx="$shared/models/mobilenet_v3_small_torch_bn.onnx"
emb=firmware/samples/models/mobilenet_v3_small_int8.emb
input=$(mktemp)
head -c 150528 "$shared/golden/inputs/n01440764_tench.u8" > "$input"
dotnet build converter/Embedded.Converter.Cli -c Release -v q >/dev/null
for i in $(seq "$rounds"); do
  o=$(ORT_NODE="$ort/node_modules/onnxruntime-node" node "$ort/run.js" "$onnx" "$input" 1 /dev/null --threads 1 --bench 300 | sed -n 's/.*"median_ms":\([0-9.]*\).*/\1/p')
  e=$(dotnet run --project converter/Embedded.Converter.Cli -c Release --no-build -- bench "$emb" --iterations 300 --threads "$threads" --json | tail -n 1 | sed -n 's/.*"median_ms":\([0-9.]*\).*/\1/p')
  echo "round $i: ORT fp32 1 thread ${o} ms, emb int8 ${threads} thread(s) ${e} ms, ratio emb/ORT $(echo "scale=2; $e / $o" | bc)"
done
rm -f "$input"
