#!/usr/bin/env bash
# Installs the PyTorch baseline of the benchmark, idempotently: Debian 12's python3-torch (PyTorch 1.13.1) and OpenBLAS
# (without it PyTorch falls back to the reference BLAS and runs about 30x slower). Safetensors files are read by
# bench/safetensors_numpy.py: the only packaged python3-safetensors needs Python 3.13. Debian's torch is importable
# only by /usr/bin/python3, not by another python3 that may come first on PATH, so everything here names
# /usr/bin/python3. Needs root when something is missing. The packages come from Debian 12 (bookworm) even where a
# trixie source is configured with a low pin (scripts/ensure-libstdcxx.sh), since apt prefers the higher pin.
set -euo pipefail
python=/usr/bin/python3

probe() {
  "$python" - <<'PY' 2>/dev/null || return 1
import torch, numpy
# OpenBLAS must be the BLAS in use: torch's build config names the BLAS it was built against (Debian's uses the
# alternatives system), so check the library actually loaded into this process instead.
torch.ones(64, 64) @ torch.ones(64, 64)
maps = open("/proc/self/maps").read()
assert "openblas" in maps.lower(), "OpenBLAS is not loaded"
PY
  # Debian's build reports torch.__version__ 1.13.0a0; the package version names the release.
  dpkg-query -W -f '${Version}' python3-torch
}

if version=$(probe); then
  echo "[setup-pytorch] PyTorch (python3-torch $version) with OpenBLAS already importable by $python"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "[setup-pytorch] PyTorch or OpenBLAS is missing for $python and installing needs root:" >&2
  echo "  apt-get install -y python3-torch libopenblas0-pthread" >&2
  exit 1
fi

echo "[setup-pytorch] installing python3-torch and libopenblas0-pthread (about 90 s)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq python3-torch libopenblas0-pthread >/dev/null

if ! version=$(probe); then
  echo "[setup-pytorch] installed, but $python still cannot import torch with OpenBLAS" >&2
  exit 1
fi
echo "[setup-pytorch] PyTorch (python3-torch $version) with OpenBLAS ready for $python"
