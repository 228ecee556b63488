#!/bin/bash
# Our `features` CLI against librosa 0.11 itself (../shared/bench/librosa) in ONE run, on the 240 clips of
# actors 11-14 of the 48 kHz corpus copy (bench/make-48k-corpus.sh), compat and full profiles, both cores.
#   bench/run-corpus-bench.sh [RUNS (3)] [CORPUS ($TMPDIR/ravdess-48k)]
# Each run times, by wall clock and CPU seconds (user + sys, /usr/bin/time): ours = `features --profile compat` + `features --profile full` over the
# 240 files, two processes started and ended (process start and JIT included); librosa = run.sh --jobs 2,
# whose own figure excludes its process start and numba warm-up (we print both). Prints every run and
# the medians and ratio. Needs: dotnet, and librosa's Debian packages (bash ../shared/bench/librosa/run.sh install).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${1:-3}
CORPUS=$(cd "${2:-${TMPDIR:-/tmp}/ravdess-48k}" && pwd)
LIBROSA=$ROOT/../shared/bench/librosa/run.sh
[ -f "$LIBROSA" ] || { echo "librosa runner not found at $LIBROSA" >&2; exit 2; }
OUT=$(mktemp -d); trap 'rm -rf "$OUT"' EXIT
dotnet build -c Release "$ROOT/src/Trainer" --nologo -v quiet >/dev/null
TRAINER=$(ls "$ROOT"/src/Trainer/bin/Release/net10.0/linux-x64/EmotionRecognition.Trainer.dll)
mapfile -t FILES < <(cd "$CORPUS" && ls Actor_1[1-4]/*.wav)
echo "# ${#FILES[@]} files at $(soxi -r "$CORPUS/${FILES[0]}" 2>/dev/null || echo '?') Hz from $CORPUS; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
# Wall and CPU (user + sys, children included) seconds of a command: "WALL CPU" on fd 3.
timed() { /usr/bin/time -f '%e %U %S' -o "$OUT/time" "$@"; awk '{printf "%s %.2f\n", $1, $2 + $3}' "$OUT/time" >&3; }
ours=(); lib=(); libown=(); ourscpu=(); libcpu=()
for r in $(seq "$RUNS"); do
  a=$(cd "$CORPUS" && timed dotnet "$TRAINER" features --profile compat --json "${FILES[@]}" 3>&1 >"$OUT/compat.json")
  b=$(cd "$CORPUS" && timed dotnet "$TRAINER" features --profile full --json "${FILES[@]}" 3>&1 >"$OUT/full.json")
  c=$(timed bash "$LIBROSA" "$CORPUS" "$OUT/librosa.json" --jobs 2 --glob 'Actor_1[1-4]/*.wav' 3>&1 >"$OUT/librosa.txt")
  own=$(sed -n 's/.* in \([0-9.]*\) s.*/\1/p' "$OUT/librosa.txt")
  o=$(echo "${a% *} + ${b% *}" | bc); oc=$(echo "${a#* } + ${b#* }" | bc)
  ours+=("$o"); ourscpu+=("$oc"); lib+=("${c% *}"); libcpu+=("${c#* }"); libown+=("$own")
  echo "run $r: ours $o s wall, $oc s CPU (compat + full, 2 processes); librosa ${c% *} s wall (whole run.sh; $own s by its own timer), ${c#* } s CPU; load $(cut -d' ' -f1 /proc/loadavg)"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
mo=$(median "${ours[@]}"); ml=$(median "${lib[@]}"); mlo=$(median "${libown[@]}"); moc=$(median "${ourscpu[@]}"); mlc=$(median "${libcpu[@]}")
echo "median of $RUNS: ours $mo s wall, $moc s CPU; librosa $ml s wall ($mlo s by its own timer), $mlc s CPU"
echo "ratio librosa/ours: $(echo "scale=1; $ml / $mo" | bc)x wall, $(echo "scale=1; $mlo / $mo" | bc)x against librosa's own timer, $(echo "scale=1; $mlc / $moc" | bc)x CPU"
# Agreement of the last run's vectors with librosa's: worst |ours - librosa| / max(1, |librosa|).
python3 - "$OUT" <<'PY'
import json, sys
out = sys.argv[1]
lib = json.load(open(f"{out}/librosa.json"))["features"]
worst = {}
for profile in ("compat", "full"):
    ours = json.load(open(f"{out}/{profile}.json"))
    w = max((abs(a - b) / max(1.0, abs(b)), f) for f, v in ours.items() for a, b in zip(v, lib[f][profile]))
    print(f"agreement {profile}: worst scaled error {w[0]:.2e} ({w[1]}) over {len(ours)} files")
PY
