#!/usr/bin/env bash
# The side-by-side benchmark: the generated DiT against PyTorch on this machine (docs/benchmarks.md records its figures).
# Installs what it needs, idempotently (libstdc++ for TorchSharp, Debian's PyTorch with OpenBLAS), builds the example in
# Release, then runs `mnist-dit bench` with the arguments given (`scripts/bench.sh --help` lists them). No MNIST data is
# needed: the benchmark times random batches.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-libstdcxx.sh
bash bench/setup-pytorch.sh

echo "[bench] building the example (Release)"
dotnet build examples/MnistDit -c Release -v quiet -nologo 2>&1 | grep -E "error|Warn|Elapsed" || true
[ -f examples/MnistDit/bin/Release/net10.0/MnistDit.dll ] || { echo "[bench] build failed" >&2; exit 1; }

exec bash scripts/mnist-dit.sh bench "$@"
