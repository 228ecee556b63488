#!/usr/bin/env bash
# Copies every crash and hang AFL++ found into the regression corpus that CI runs.
#   fuzz/promote.sh [OUT_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/findings}
dest="$here/../tests/UnitTests/Robustness/FuzzRegressions"
mkdir -p "$dest"
n=0
for f in "$out"/default/crashes/id:* "$out"/default/hangs/id:*; do
  [ -f "$f" ] || continue
  case "$(basename "$(dirname "$f")")" in crashes) kind=crash ;; *) kind=hang ;; esac
  sum=$(sha256sum "$f" | cut -c1-12)
  cp "$f" "$dest/$kind-$sum.wav"
  n=$((n + 1))
done
echo "promoted $n finding(s) to $dest"
