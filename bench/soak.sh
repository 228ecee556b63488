#!/usr/bin/env bash
# Soak test: a Release build of the Api with real models under MINUTES of wrk load at CONNECTIONS
# connections on POST /prediction/CNN, half JSON MFCCs and half WAV bodies (the audio route), while
# the server's resident memory (VmRSS) is sampled every 10 s. Loopback only; nothing is left running.
#
#   bench/soak.sh MODELS_DIR [MINUTES=10] [CONNECTIONS=64] [OUT_DIR=artifacts/soak]
#
# MODELS_DIR is a models folder (with `current`), e.g. the shipped models/ or one the Trainer wrote
# (dotnet run --project src/Trainer -c Release -- train --models /tmp/models). Needs wrk
# (apt-get install wrk) and the golden WAVs in ../shared. Writes OUT_DIR/rss.csv, OUT_DIR/wrk.txt and
# OUT_DIR/server.log, and prints the wrk RESULT line and the RSS summary; bench/plot_rss.py draws the curve.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
models=$(cd "${1:?usage: bench/soak.sh MODELS_DIR [MINUTES] [CONNECTIONS] [OUT_DIR]}" && pwd)
minutes=${2:-10}
connections=${3:-64}
out=${4:-$root/artifacts/soak}
wav="$root/../shared/golden/wav/speech_22050_s16.wav"
[ -f "$wav" ] || { echo "missing $wav (the shared test data)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 1; }
mkdir -p "$out"

echo "# publishing the Api (Release)"
dotnet publish "$root/src/Api" -c Release -o "$out/api" --nologo -v quiet
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"

dotnet "$out/api/EmotionRecognition.Api.dll" --urls "$base" --models:path="$models" > "$out/server.log" 2>&1 &
server=$!
sampler=
cleanup() {
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null || true
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
}
trap cleanup EXIT

for _ in $(seq 1 120); do
  curl -fsS "$base/health/ready" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "the server exited; see $out/server.log" >&2; exit 1; }
  sleep 1
done
curl -fsS "$base/health/ready" >/dev/null || { echo "the server never became ready; see $out/server.log" >&2; exit 1; }
echo "# server pid $server on $base, models $models"

# Every 10 s: resident memory and threads from /proc, and the managed heap after the last GC and the
# memory the GC has committed, from the server's own /metrics, to tell managed from native growth.
echo "seconds,rss_mib,gc_heap_mib,gc_committed_mib,threads" > "$out/rss.csv"
(
  start=$(date +%s)
  while kill -0 "$server" 2>/dev/null; do
    status=$(cat "/proc/$server/status")
    metrics=$(curl -fsS --max-time 5 "$base/metrics" || true)
    echo "$(( $(date +%s) - start )),$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' <<<"$status"),$(awk '
      /^dotnet_gc_last_collection_heap_size_bytes/ { heap += $NF }
      /^dotnet_gc_last_collection_memory_committed_size_bytes/ { committed = $NF }
      END { printf "%.1f,%.1f", heap / 1048576, committed / 1048576 }' <<<"$metrics"),$(awk '/^Threads:/ { print $2 }' <<<"$status")" >> "$out/rss.csv"
    sleep 10
  done
) &
sampler=$!

echo "# wrk -t2 -c$connections -d${minutes}m POST $base/prediction/CNN (JSON and WAV alternating)"
SOAK_WAV="$wav" wrk -t2 -c"$connections" -d"${minutes}m" --timeout 10s --latency -s "$root/bench/soak.lua" "$base/prediction/CNN" | tee "$out/wrk.txt"
sleep 1
kill "$sampler" 2>/dev/null || true
sampler=

# RSS after warm-up (the first minute): first, last, min, max of the samples from 60 s on.
awk -F, 'NR > 1 && $1 >= 60 { if (n == 0) first = $2; last = $2; if (n == 0 || $2 < min) min = $2; if ($2 > max) max = $2; n++ }
  END { printf "RSS after warm-up: %d samples, first %.1f MiB, last %.1f MiB, min %.1f MiB, max %.1f MiB\n", n, first, last, min, max }' "$out/rss.csv"
grep -c ' 500 \|Unhandled\|fail:' "$out/server.log" | xargs -I{} echo "server log lines with 500/Unhandled/fail: {}"
