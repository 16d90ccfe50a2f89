#!/usr/bin/env bash
# Writes the float16 references of the release cases on the CPU: for each case folder of
# ../resources/fixtures/internvl_releases, cpu-float16/expected.safetensors (the reference run eagerly in
# float16) and cpu-float16/reference.pt (its forward traced to TorchScript), with
# internvl_releases.py --cases ... --device cpu --dtype float16 --trace.
#
# PyTorch 1.13 (Debian 12's python3-torch) has no float16 matrix product on the CPU; Debian 13's (2.6) has. This
# script builds a Debian 13 chroot holding it (debootstrap, from Debian's own packages; about 1.5 GB), binds the
# reference checkout and this repository's src/test folder into it, and runs the generator there. Run as root:
#
#     float16_references.sh /path/to/InternVL [chroot folder, default /var/tmp/debian13-torch]
#
# The chroot is kept for the next run. Output is byte-identical on rerun.
set -euo pipefail
reference=$(cd "$1" && pwd)
root=${2:-/var/tmp/debian13-torch}
test_dir=$(cd "$(dirname "$0")/.." && pwd)

if ! chroot "$root" python3 -c 'import torch, numpy' 2>/dev/null; then
  command -v debootstrap >/dev/null || apt-get install -y debootstrap
  debootstrap --variant=minbase --include=python3-torch,python3-numpy trixie "$root"
fi
mkdir -p "$root/proc" "$root/mnt/reference" "$root/mnt/test"
cleanup() { umount "$root/mnt/test" "$root/mnt/reference" "$root/proc" 2>/dev/null || true; }
trap cleanup EXIT
# /proc: PyTorch picks its vectorized kernels from /proc/cpuinfo
mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
mount --bind "$reference" "$root/mnt/reference"
mount -o remount,bind,ro "$root/mnt/reference"
mount --bind "$test_dir" "$root/mnt/test"
chroot "$root" python3 -c 'import torch; print("PyTorch", torch.__version__, torch.backends.cpu.get_cpu_capability())' 2>&1 | grep -v 'UCX  ERROR'
chroot "$root" bash -c 'cd /mnt/test/fixture-gen && python3 internvl_releases.py --reference /mnt/reference \
  --cases ../resources/fixtures/internvl_releases --device cpu --dtype float16 --trace \
  --out ../resources/fixtures/internvl_releases' 2>&1 | grep -v -i -e flash -e 'UCX  ERROR'
