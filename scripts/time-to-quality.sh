#!/usr/bin/env bash
# The time-to-quality curves of docs/benchmarks.md (issue 16, part 5): for each MODEL=RUN pair (a train run folder
# written with --keep-checkpoints 0), every checkpoint of the run evaluated the same way (guided DDIM at the model's
# w = 4, PER_CLASS samples per digit at seed 2, the evaluation classifier's share read as intended), one row per
# checkpoint. Minutes of training are the steps times the batch over a throughput measured on its own (quietly, both
# cores), since the runs compared may share the cores.
#   scripts/time-to-quality.sh dit=runs/ttq-dit dit-minsnr=runs/ttq-minsnr ...
# Needs scripts/setup.sh's data and build. STEPS sets the sampler steps (default 20), PER_CLASS the samples per
# digit (default 20); with REAL=FOLDER (such as data/mnist/test) each row also gives the Frechet distance of the same
# samples to that folder's images in the evaluation classifier's features.
set -euo pipefail
cd "$(dirname "$0")/.."
steps="${STEPS:-20}"
per_class="${PER_CLASS:-20}"
real="${REAL:-}"
[ $# -gt 0 ] || { echo "usage: $0 MODEL=RUN [MODEL=RUN ...]" >&2; exit 2; }

header="| model | checkpoint step | classified as intended ($((per_class * 10)) samples, DDIM-$steps, w = 4, seed 2) |"
[ -z "$real" ] || header="$header Frechet distance to $real |"
echo "$header"
[ -z "$real" ] && echo "|---|---|---|" || echo "|---|---|---|---|"
for pair in "$@"; do
  model="${pair%%=*}" run="${pair#*=}"
  [ -d "$run/checkpoints" ] || { echo "$run: no checkpoints folder" >&2; exit 1; }
  for checkpoint in $(ls -d "$run"/checkpoints/step-* | sort); do
    out=$(bash scripts/mnist-dit.sh evaluate --model "$model" --checkpoint "$checkpoint" --sampler ddim --steps "$steps" \
      --classifier examples/MnistDit/evaluation --per-class "$per_class" --seed 2 ${real:+--data "$real"} 2>&1) || { echo "$out" >&2; exit 1; }
    share=$(grep -oP '[0-9.]+(?= % of [0-9]+ samples classified)' <<<"$out")
    step="${checkpoint##*/step-}"
    row="| $model | $((10#$step)) | $share % |"
    [ -z "$real" ] || row="$row $(grep -oP '(?<=Frechet distance )[0-9.]+' <<<"$out" | head -1) |"
    echo "$row"
  done
done
