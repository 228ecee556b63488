#!/bin/bash
# 48 kHz copies of the RAVDESS corpus, made by a reference resampler (sox's very-high-quality
# `rate -v`), for the 48 kHz benchmarks and ResampledAnswersTests. Output lies outside the repository.
#   bench/make-48k-corpus.sh [SRC (../shared/ravdess)] [DEST ($TMPDIR/ravdess-48k)]
# Needs sox (apt-get install -y sox). Existing copies are kept.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SRC=$(cd "${1:-$ROOT/../shared/ravdess}" && pwd)
DEST=${2:-${TMPDIR:-/tmp}/ravdess-48k}
command -v sox >/dev/null || { echo "sox not found: apt-get install -y sox" >&2; exit 2; }
cd "$SRC"
n=0
for f in Actor_*/*.wav; do
  mkdir -p "$DEST/$(dirname "$f")"
  [ -s "$DEST/$f" ] || sox "$f" -r 48000 "$DEST/$f" rate -v
  n=$((n + 1))
done
echo "$n files at 48 kHz in $DEST"
