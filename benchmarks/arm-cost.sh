#!/usr/bin/env bash
# Guest instructions per inference on emulated ARM: the ARM cost measure of this project (qemu wall time means nothing).
# Publishes benchmarks/arm-cost/ArmCost self-contained for linux-arm64, runs it under qemu-aarch64 for each -cpu with a
# TCG plugin (arm-cost/insncount.c) that counts each guest thread's instructions between marker system calls, and
# prints the total per inference and the share of every operator kind. Quantized .tflite models are converted first
# (on x64, with `emb convert`). Needs qemu-user, gcc and the arm64 multiarch libraries (INSTALL=1 installs them).
#
# Usage: benchmarks/arm-cost.sh [--cpus "cortex-a72 cortex-a76"] [--path P] [--threads N] [--warmup N] [--runs N]
#                               [--detail] [--check] [MODEL.emb|MODEL.tflite ...]
# Default model: the bundled V3-Small. Counts are steady state: four rounds of WARMUP inferences (default 20), each
# followed by a one-second pause so the JIT tiers up code that runs once per inference, then the
# smallest of RUNS marked inferences (the runs differ by a few hundred instructions at most). --check first compares
# the output bytes with the Reference path's under the same emulated CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
cpus="cortex-a72 cortex-a76"; path=""; threads=1; warmup=20; runs=3; detail=0; check=""; models=()
while [ $# -gt 0 ]; do
  case "$1" in
    --cpus) cpus="$2"; shift 2;;
    --path) path="$2"; shift 2;;
    --threads) threads="$2"; shift 2;;
    --warmup) warmup="$2"; shift 2;;
    --runs) runs="$2"; shift 2;;
    --detail) detail=1; shift;;
    --check) check=--check; shift;;
    -h|--help) sed -n '2,12p' "$0"; exit 0;;
    -*) echo "arm-cost: unknown option $1" >&2; exit 2;;
    *) models+=("$1"); shift;;
  esac
done
[ ${#models[@]} -gt 0 ] || models=(firmware/samples/models/mobilenet_v3_small_int8.emb)
for m in "${models[@]}"; do [ -f "$m" ] || { echo "arm-cost: model '$m' not found" >&2; exit 2; }; done

work="${ARM_COST_WORK:-/tmp/emb-arm-cost}"
mkdir -p "$work"
if ! command -v qemu-aarch64 >/dev/null || [ ! -e /lib/ld-linux-aarch64.so.1 ]; then
  if [ "${INSTALL:-0}" = 1 ]; then .ci/install-arm-emulation
  else echo "arm-cost: needs qemu-aarch64 and the arm64 libraries (run with INSTALL=1 to apt-get them)" >&2; exit 2; fi
fi

plugin="$work/libinsncount.so"
gcc -O2 -shared -fPIC -fvisibility=hidden -o "$plugin" benchmarks/arm-cost/insncount.c
dotnet publish benchmarks/arm-cost/ArmCost -c Release -r linux-arm64 --self-contained -o "$work/armcost" -v q -nologo >/dev/null
# A real image where the model takes 224×224×3 bytes (a few kernels' cost depends on the data); else a fixed pattern.
golden="${ARM_COST_INPUT:-$root/../shared/golden/inputs/n01440764_tench.u8}"
input_args=(); [ -f "$golden" ] && input_args=(--input "$golden")
export DOTNET_EnableWriteXorExecute=0   # qemu 7.2 runs stale code through .NET's W^X double mapping (see ../shared/tools/arm-qemu)
export DOTNET_TC_CallCountingDelayMs=0   # count calls from the start: once-per-inference code tiers up within the warm-up

for m in "${models[@]}"; do
  emb="$m"
  if [[ "$m" == *.tflite ]]; then
    emb="$work/$(basename "${m%.tflite}").emb"
    dotnet run --project converter/Embedded.Converter.Cli -c Release -- convert "$m" -o "$emb" >/dev/null
  fi
  for cpu in $cpus; do
    ops="$work/ops.txt"; marks="$work/marks.log"
    qemu-aarch64 -cpu "$cpu" -plugin "$plugin" -d plugin -D "$marks" "$work/armcost/armcost" "$emb" "${input_args[@]}" \
      ${path:+--path "$path"} --threads "$threads" --warmup "$warmup" --runs "$runs" $check > "$ops" \
      || { echo "arm-cost: $(basename "$m") on $cpu failed: $(grep -m1 -E 'check|rror' "$ops")" >&2; exit 1; }
    awk -v model="$(basename "$m")" -v cpu="$cpu" -v detail="$detail" '
      FNR == NR {
        if ($1 == "path") { kpath = $2; nthreads = $4 }
        if ($1 == "check") checked = $2
        if ($1 == "op") { n = $2 + 1; code[$2] = $3; macs[$2] = $4; name[$2] = $5 }
        next
      }
      $1 != "mark" { next }
      { tag = $2 + 0; c = $3 + 0 }
      tag == -1 { start = c; next }
      tag == -2 { t = c - start; if (best == "" || t < best) best = t; all = all sprintf(" %.1f", t / 1e6); next }
      tag == -3 { prev = c; profiled++; next }
      tag >= 0 { d = c - prev; prev = c; if (!(tag in opbest) || d < opbest[tag]) opbest[tag] = d }
      END {
        printf "model %s  cpu %s  path %s  threads %s%s\n", model, cpu, kpath, nthreads, checked != "" ? "  (output " checked " to Reference)" : ""
        printf "total %.1f M instructions per inference (runs:%s)\n", best / 1e6, all
        if (!profiled) exit
        for (i = 0; i < n; i++) { k = code[i]; kind[k] += opbest[i]; kmacs[k] += macs[i]; kcount[k]++; sum += opbest[i] }
        printf "%-22s %5s %12s %7s %10s\n", "operator", "count", "M insns", "share", "MACs/insn"
        # kinds by cost, largest first
        while (1) {
          top = ""; for (k in kind) if (!(k in done) && (top == "" || kind[k] > kind[top])) top = k
          if (top == "") break
          done[top] = 1
          printf "%-22s %5d %12.2f %6.1f%% %10s\n", top, kcount[top], kind[top] / 1e6, 100 * kind[top] / sum, kmacs[top] ? sprintf("%.2f", kmacs[top] / kind[top]) : "-"
        }
        if (detail) for (i = 0; i < n; i++) printf "  %3d %-20s %10.3f M  %9d MACs  %s\n", i, code[i], opbest[i] / 1e6, macs[i], name[i]
        print ""
      }' "$ops" "$marks"
  done
done
