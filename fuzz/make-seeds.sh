#!/usr/bin/env bash
# Rebuilds fuzz/corpus/*/ seeds: models and texts from emb-fuzz --seeds, images with ImageMagick (convert) from one
# shared dev image, ONNX models with Debian's python3-onnx (/usr/bin/python3). The fuzzers' own finds are added by fuzz/run.sh (afl-cmin).
set -euo pipefail
cd "$(dirname "$0")"
corpus="$PWD/corpus"
image="$(ls ../../shared/images/imagenet-dev/*.JPEG | head -n 1)"
mkdir -p "$corpus"/{jpeg,png,bmp,pnm,onnx}

convert="${CONVERT:-/usr/bin/convert}"   # ImageMagick 6 (apt-get install imagemagick)
small() { "$convert" "$image" -resize "$1"'!' "${@:2}"; }
small 16x16 -quality 80 -sampling-factor 2x2 "$corpus/jpeg/baseline_420.jpg"
small 16x8 -quality 90 -sampling-factor 1x1 "$corpus/jpeg/baseline_444.jpg"
small 12x10 -colorspace Gray -quality 75 "$corpus/jpeg/gray_odd.jpg"
small 16x16 -interlace JPEG -quality 70 "$corpus/jpeg/progressive.jpg"
small 24x16 -define jpeg:restart-interval=1 -quality 85 "$corpus/jpeg/restart.jpg"
small 8x8 -sampling-factor 2x1 "$corpus/jpeg/baseline_422.jpg"
small 16x16 "$corpus/png/rgb.png"
small 9x7 -alpha set -channel A -evaluate set 50% "$corpus/png/rgba_odd.png"
small 8x8 -colorspace Gray "$corpus/png/gray.png"
small 8x8 -colors 8 -type Palette "$corpus/png/palette.png"
small 8x8 -interlace PNG "$corpus/png/interlaced.png"
small 6x6 -depth 16 "$corpus/png/rgb16.png"
small 8x6 "$corpus/bmp/rgb24.bmp"
small 7x5 -type TrueColorAlpha "$corpus/bmp/rgba32_odd.bmp"
small 8x8 -colors 16 -type Palette "$corpus/bmp/palette.bmp"
small 8x6 "$corpus/pnm/rgb.ppm"
small 7x5 -colorspace Gray "$corpus/pnm/gray.pgm"
/usr/bin/python3 seeds/onnx_seeds.py "$corpus/onnx"

dotnet build Embedded.Fuzz -c Release -v q >/dev/null
dotnet Embedded.Fuzz/bin/Release/net10.0/emb-fuzz.dll --seeds "$corpus"
for d in "$corpus"/*/; do echo "$(basename "$d"): $(ls "$d" | wc -l) seeds, $(du -sh "$d" | cut -f1)"; done
