#!/usr/bin/env bash
# Coverage-guided fuzzing of AudioDecoder (all formats) and the feature pipeline with AFL++ and SharpFuzz.
#
#   fuzz/run.sh [MINUTES] [OUT_DIR]      (defaults: 30 minutes, fuzz/findings)
#
# Needs: Debian's afl++ (apt-get install afl++) and the SharpFuzz instrumenter
# (dotnet tool install --global SharpFuzz.CommandLine), and ffmpeg for the
# compressed formats. The seed corpus is cut from ../shared/golden/wav (small
# seeds fuzz faster) plus fuzz/seeds: short RAVDESS excerpts encoded by ffmpeg
# and sox as MP3, AAC (M4A, ADTS), Ogg Vorbis/Opus, WebM/Opus, FLAC, AIFF/AIFF-C, RF64. Crashes and hangs land in
# OUT_DIR/default/{crashes,hangs}; fuzz/promote.sh copies them into the
# regression corpus that CI runs (tests/UnitTests/Robustness/FuzzRegressions).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
minutes=${1:-30}
out=${2:-$here/findings}
golden="$root/../shared/golden/wav"

command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: apt-get install afl++" >&2; exit 1; }
export PATH="$PATH:$HOME/.dotnet/tools"
command -v sharpfuzz >/dev/null || dotnet tool install --global SharpFuzz.CommandLine >/dev/null

build="$here/.build"
rm -rf "$build"
dotnet publish "$here/EmotionRecognition.Fuzz" -c Release -o "$build" --nologo -v quiet
# Instrument the code under test (not the harness, not the framework).
sharpfuzz "$build/EmotionRecognition.Application.dll"

seeds="$here/.seeds"
rm -rf "$seeds"; mkdir -p "$seeds"
for wav in "$golden"/*.wav; do
  # The first 1.5 KiB keeps every header and chunk layout with a little audio.
  head -c 1536 "$wav" > "$seeds/$(basename "$wav")"
done
cp "$here"/seeds/* "$seeds/"
cp "$root"/tests/UnitTests/Robustness/FuzzRegressions/* "$seeds/" 2>/dev/null || true

mkdir -p "$out"
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1
# -t: 10 s per input (the .NET start is outside the loop; a hang here is real), -m none: .NET reserves large virtual ranges.
timeout --signal=INT "$((minutes * 60 + 30))" \
  afl-fuzz -i "$seeds" -o "$out" -t 10000 -m none -V "$((minutes * 60))" -- dotnet "$build/EmotionRecognition.Fuzz.dll" || true

stats="$out/default/fuzzer_stats"
if [ -f "$stats" ]; then
  grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|bitmap_cvg|stability)' "$stats"
fi
