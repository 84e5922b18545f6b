#!/usr/bin/env bash
# Runs every test of the solution on a fresh Debian 12 machine: installs what TorchSharp needs (idempotent), builds,
# runs `dotnet test`, and prints one closing line "N passed, N failed" summed over all test assemblies.
# The exit code is dotnet test's.
set -uo pipefail
cd "$(dirname "$0")/.."

echo "[test] checking the native prerequisites"
bash scripts/ensure-libstdcxx.sh || exit 1

log=$(mktemp)
echo "[test] dotnet test Dsl.sln (Release)"
dotnet test Dsl.sln -c Release 2>&1 | tee "$log"
code=${PIPESTATUS[0]}

# dotnet test prints, per assembly: "Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12, Duration: ..."
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
rm -f "$log"
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$code"
