#!/usr/bin/env bash
# The project template, end to end, as a user meets it (issue 11): packs Diffusion.Dsl, Diffusion.Runtime,
# Diffusion.Distributed.Mpi, Diffusion.Cli and Diffusion.Templates into a temporary feed, installs the template into
# a temporary hive, creates a project from it, builds it against the feed, trains 20 steps on a generated 32x32 RGB
# class folder, samples a grid and resumes to step 25. Everything lives in one temporary folder, removed at exit: the user's installed templates and
# NuGet cache stay as they were. Ends with "[template-test] passed", or names the failing step and exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d -t diffusion-template.XXXXXX)
trap 'rm -rf "$work"' EXIT
feed=$work/feed hive=$work/hive project=$work/Flowers data=$work/images run=$work/run
say() { echo "[template-test] $*"; }
fail() { echo "[template-test] FAILED: $*" >&2; exit 1; }
command -v python3 >/dev/null || fail "python3 is needed to write the test images"
bash scripts/ensure-libstdcxx.sh
started=$SECONDS

# NuGet caches a package by id and version for good, so a repacked 0.1.0 could be served from the cache instead of
# the feed; a version of this run's own, restored into a package folder of its own, rules that out.
suffix=ci.$(date -u +%Y%m%d%H%M%S).$$
machine_packages=${NUGET_PACKAGES:-$HOME/.nuget/packages}
export NUGET_PACKAGES=$work/packages

say "building the packages' projects (Release)"
dotnet build src/Diffusion.Cli -c Release -nologo -v q
dotnet build templates/Diffusion.Templates -c Release -nologo -v q
say "packing them as version *-$suffix into $feed"
for packable in src/Diffusion.Dsl src/Diffusion.Runtime src/Diffusion.Distributed.Mpi src/Diffusion.Cli templates/Diffusion.Templates; do
    dotnet pack "$packable" -c Release --no-build -nologo -v q -p:VersionSuffix="$suffix" -o "$feed"
done
ls "$feed"

say "installing the template into a temporary hive"
dotnet new install "$feed"/Diffusion.Templates.*.nupkg --debug:custom-hive "$hive"
say "dotnet new diffusion-model -n Flowers"
new_started=$SECONDS
dotnet new diffusion-model -n Flowers -o "$project" --debug:custom-hive "$hive"
[[ -f $project/Flowers.csproj && -f $project/FlowersDiffusion.cs ]] || fail "-n Flowers did not rename the project and its files"
grep -q "<DiffusionDslVersion>[0-9.]*-$suffix<" "$project/Flowers.csproj" \
    || fail "the project does not reference the packages packed as *-$suffix"

# The feed first; the other packages come from the sources configured on this machine, read from its package folder.
cat > "$project/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="diffusion-template-test" value="$feed" />
  </packageSources>
  <fallbackPackageFolders>
    <add key="machine" value="$machine_packages" />
  </fallbackPackageFolders>
</configuration>
EOF
say "dotnet build (warnings are errors)"
dotnet build "$project" -c Release -nologo -v q -warnaserror

say "writing $data: 10 class folders of 4 PNGs, 32x32 RGB (a coloured disc each)"
python3 - "$data" <<'EOF'
import colorsys, os, random, struct, sys, zlib

def write_png(path, size, rgb):
    rows = b''.join(b'\x00' + bytes(rgb[y * size * 3:(y + 1) * size * 3]) for y in range(size))
    def chunk(kind, body):
        return struct.pack('>I', len(body)) + kind + body + struct.pack('>I', zlib.crc32(kind + body))
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', size, size, 8, 2, 0, 0, 0))
                + chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b''))

root, size, rng = sys.argv[1], 32, random.Random(0)
for label in range(10):
    colour = [round(255 * c) for c in colorsys.hsv_to_rgb(label / 10, 0.8, 0.9)]
    os.makedirs(os.path.join(root, str(label)))
    for i in range(4):
        cx, cy, r = rng.randint(8, 23), rng.randint(8, 23), rng.randint(4, 8)
        rgb = []
        for y in range(size):
            for x in range(size):
                rgb += colour if (x - cx) ** 2 + (y - cy) ** 2 <= r * r else [rng.randint(0, 30)] * 3
        write_png(os.path.join(root, str(label), f'{i}.png'), size, rgb)
EOF

host() { dotnet run --project "$project" -c Release --no-build -- "$@"; }
say "train --steps 20"
host train --data "$data" --out "$run" --steps 20 --batch-size 8 --seed 0 | tee "$work/train.log"
grep -q "FlowersDiffusion" "$work/train.log" || fail "train did not name the model FlowersDiffusion"
[[ -f $run/checkpoints/step-0000020/model.safetensors ]] || fail "no checkpoint at step 20"

say "sample a grid (one row per class)"
host sample --checkpoint "$run" --count 10 --steps 5 --seed 1 --out "$work/grid.png"
[[ $(head -c 8 "$work/grid.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] || fail "the grid is not a PNG"
say "from dotnet new to a sampled grid: $((SECONDS - new_started)) s"

say "train --resume --steps 25"
host train --data "$data" --out "$run" --steps 25 --batch-size 8 --seed 0 --resume --log-every 1 | tee "$work/resume.log"
grep -q '^step 21/25' "$work/resume.log" || fail "the resumed run did not continue at step 21"
[[ -f $run/checkpoints/step-0000025/model.safetensors ]] || fail "no checkpoint at step 25"

say "passed in $((SECONDS - started)) s"
