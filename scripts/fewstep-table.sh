#!/usr/bin/env bash
# The few-step table of docs/benchmarks.md (issue 13): for the teacher's own DDIM, the progressive-distillation student
# and the two consistency models, the share of 1,000 samples (100 per digit) the evaluation classifier reads as
# intended, their Frechet distance to the training digits on its penultimate features (with the floor: 997 held-out
# digits against the same training digits), and images per second. Rows whose run is missing are skipped.
#   scripts/fewstep-table.sh [RUNS]   RUNS holds pd/ (distill: every round-R-S in it), cd/ and ct/ (train); default runs/
# Needs scripts/setup.sh's data and build. Takes tens of minutes on 2 cores (guided DDIM-50 dominates; TEACHER_STEPS="1 2 4 8"
# leaves it out). PER_CLASS sets the samples per digit (default 100).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-runs}"
per_class="${PER_CLASS:-100}"

row() {    # row LABEL MODEL CHECKPOINT SAMPLER STEPS GUIDANCE
  local label="$1" model="$2" checkpoint="$3" sampler="$4" steps="$5" guidance="$6"
  if [ ! -e "$checkpoint" ]; then echo "| $label | $steps | (no run at $checkpoint) | | | |"; return; fi
  local out
  out=$(bash scripts/mnist-dit.sh evaluate --model "$model" --checkpoint "$checkpoint" --sampler "$sampler" \
    --steps "$steps" --guidance "$guidance" --classifier examples/MnistDit/evaluation --per-class "$per_class" \
    --data data/mnist/train --held-out data/mnist/test --seed 0 2>&1) || { echo "$out" >&2; exit 1; }
  local share fid floor speed
  share=$(grep -oP '[0-9.]+(?= % of [0-9]+ samples classified)' <<<"$out")
  fid=$(grep -oP '(?<=: Frechet distance )[0-9.]+(?= between the evaluator)' <<<"$out")
  floor=$(grep -oP '(?<=floor: Frechet distance )[0-9.]+' <<<"$out")
  speed=$(grep -oP '[0-9.]+(?= images/s \()' <<<"$out")
  echo "| $label | $steps | $share % | $fid | $floor | $speed |"
}

echo "| model | steps | classified as intended | Frechet distance | floor (held-out) | images/s |"
echo "|---|---|---|---|---|---|"
for steps in ${TEACHER_STEPS:-1 2 4 8 50}; do
  row "teacher, guided DDIM (w = 4)" dit examples/MnistDit/reference ddim "$steps" 4
done
# Every round distill wrote (round-R-S: round R, S steps), fewest steps first.
for dir in $(for d in "$runs"/pd/round-*-*; do [ -d "$d" ] && echo "${d##*-} $d"; done | sort -n | cut -d' ' -f2-); do
  row "progressive student, round ${dir##*/round-}" dit-pd "$dir" ddim "${dir##*-}" 1
done
for steps in 1 2 4 8; do
  row "consistency distillation" dit-cd "$runs/cd" consistency "$steps" 1
done
for steps in 1 2 4 8; do
  row "consistency training" dit-ct "$runs/ct" consistency "$steps" 1
done
