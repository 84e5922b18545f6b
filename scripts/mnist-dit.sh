#!/usr/bin/env bash
# Runs the MNIST DiT example's command line (built in Release by scripts/setup.sh): mnist-dit.sh <command> [options].
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
exec dotnet "$here/examples/MnistDit/bin/Release/net10.0/MnistDit.dll" "$@"
