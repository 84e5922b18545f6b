#!/usr/bin/env bash
# The MPI tests (tests/Diffusion.Runtime.Tests/Host/DataParallelTrainingTests) launch `mpiexec.mpich -n 2`; they are
# skipped, saying so, where MPICH is missing. CI installs it (as root, from the machine's Debian sources; about 20 s).
# MPICH, not Open MPI: MPI.NET needs MPICH's ABI. Idempotent: a second run finds mpiexec.mpich and does nothing.
set -euo pipefail

if command -v mpiexec.mpich >/dev/null 2>&1; then
  echo "[setup] MPICH already installed ($(command -v mpiexec.mpich))"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "[setup] MPICH is missing and this is not root: the MPI tests will be skipped (apt-get install mpich libmpich-dev)" >&2
  exit 0
fi
echo "[setup] installing MPICH (mpich, libmpich-dev)"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mpich libmpich-dev >/dev/null
command -v mpiexec.mpich >/dev/null && echo "[setup] MPICH installed"
