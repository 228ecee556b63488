#!/bin/bash
# Load-tests our Api (Release publish) and the Python peer (../shared/bench/peer) in ONE run on this
# machine with the shared wrk kit, and prints a markdown table for docs/benchmarks.md.
#
#   bench/run-api-bench.sh [MODELS_DIR] [DURATION] [CONNS...]
#       MODELS_DIR  a trained models folder (default: the repository's models/)
#       DURATION    per cell, wrk syntax (default 10s);   CONNS default: 16 64
#   Env: API_PORT (8081), PEER_PORT (8090), SKIP_PEER=1, API_ARGS (extra arguments for the Api,
#        e.g. "--Prediction:MaxInferenceBatch=1" to measure without the micro-batcher),
#        AUDIO_CONNS (connections for the audio route, default "4 16"; empty skips it), AUDIO_WAV (the
#        upload; default: RAVDESS Actor_01/03-01-05-01-01-01-01.wav made 3.7 s at 48 kHz by sox `rate -v`),
#        ONLY_AUDIO=1 (skip the MFCC-vector routes and the peer, only /init/configuration beside CRNN).
# Needs: dotnet, wrk, and for the peer `apt-get install -y python3-falcon gunicorn python3-torch wrk`.
# Starts both servers on 127.0.0.1 only and stops exactly the processes it started.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KIT=$(cd "$ROOT/../shared/bench" 2>/dev/null && pwd) || { echo "bench kit not found at $ROOT/../shared/bench" >&2; exit 2; }
MODELS=$(cd "${1:-$ROOT/models}" 2>/dev/null && pwd) || { echo "models folder '${1:-$ROOT/models}' not found; train one (dotnet run --project src/Trainer) or pass it" >&2; exit 2; }
DUR=${2:-10s}; shift $(( $# > 2 ? 2 : $# )) || true
CONNS=("$@"); [ ${#CONNS[@]} -gt 0 ] || CONNS=(16 64)
API_PORT=${API_PORT:-8081}; PEER_PORT=${PEER_PORT:-8090}
API=http://127.0.0.1:$API_PORT; PEER=http://127.0.0.1:$PEER_PORT
OUT=$(mktemp -d); RESULTS=$OUT/results.txt; : > "$RESULTS"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$OUT"; }
trap cleanup EXIT

echo "# publishing the Api (Release, linux-x64)"
dotnet publish "$ROOT/src/Api/EmotionRecognition.Api.csproj" -c Release -r linux-x64 -o "$OUT/api" --nologo -v quiet >/dev/null
# shellcheck disable=SC2086
(cd "$OUT/api" && exec dotnet EmotionRecognition.Api.dll --urls "$API" --models:path="$MODELS" ${API_ARGS:-} >"$OUT/api.log" 2>&1) &
PIDS+=($!)
for _ in $(seq 100); do curl -sf "$API/health/ready" >/dev/null && break; sleep 0.2; done
curl -sf "$API/health/ready" >/dev/null || { echo "Api not ready:"; cat "$OUT/api.log"; curl -s "$API/health/ready"; exit 1; }
echo "# api: $API serving $(curl -s "$API/models" | sed -n 's/.*"modelSetId":"\([^"]*\)".*/\1/p') ${API_ARGS:-}; $(nproc) cores"

run() { # name base path conns
  local line
  line=$("$KIT/load.sh" "$2" "$3" "$DUR" "$4" 1 | grep '^RESULT ')
  echo "RESULT server=$1 path=$3 conns=$4 ${line#RESULT }" | tee -a "$RESULTS"
}

# The audio route: POST /prediction/CRNN with a 3.7 s 48 kHz WAV (decode, resample, features, networks).
read -r -a AUDIO_CONN_LIST <<< "${AUDIO_CONNS-4 16}"
if [ ${#AUDIO_CONN_LIST[@]} -gt 0 ]; then
  WAV=${AUDIO_WAV:-$OUT/clip-48k.wav}
  if [ -z "${AUDIO_WAV:-}" ]; then
    sox "$KIT/../ravdess/Actor_01/03-01-05-01-01-01-01.wav" -r 48000 "$WAV" rate -v pad 0 3.7 trim 0 3.7
  fi
  echo "# audio upload: $WAV, $(soxi -r "$WAV") Hz, $(soxi -D "$WAV") s, $(stat -c %s "$WAV") bytes"
  # Warm-up, unmeasured: long enough for the JIT to finish tiering the hot loops (2 s left the first cell low).
  AUDIO_WAV=$WAV wrk -t1 -c8 -d6s --timeout 10s -s "$ROOT/bench/audio.lua" "$API/prediction/CRNN" >/dev/null
  for c in "${AUDIO_CONN_LIST[@]}"; do
    line=$(AUDIO_WAV=$WAV wrk -t1 -c"$c" -d"$DUR" --timeout 10s --latency -s "$ROOT/bench/audio.lua" "$API/prediction/CRNN" | grep '^RESULT ')
    echo "RESULT server=api path=/prediction/CRNN(wav) conns=$c ${line#RESULT }" | tee -a "$RESULTS"
  done
fi

# Warm both up (JIT, first allocations), unmeasured: 6 s each, as the audio route (2 s left the first cell low).
"$KIT/load.sh" "$API" /prediction/DNN 6s 16 1 >/dev/null
"$KIT/load.sh" "$API" /prediction/CNN 6s 16 1 >/dev/null
if [ -n "${ONLY_AUDIO:-}" ]; then ROUTES=(/init/configuration); else ROUTES=(/prediction/DNN /prediction/CNN /init/configuration); fi
for path in "${ROUTES[@]}"; do
  for c in "${CONNS[@]}"; do run api "$API" "$path" "$c"; done
done

if [ -z "${SKIP_PEER:-}" ] && [ -z "${ONLY_AUDIO:-}" ]; then
  "$KIT/peer/run.sh" "$PEER_PORT" >"$OUT/peer.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 100); do curl -sf "$PEER/configuration/init" >/dev/null && break; sleep 0.2; done
  echo "# peer: gunicorn ${WORKERS:-2} x ${WORKER_CLASS:-sync} on $PEER"
  "$KIT/load.sh" "$PEER" /prediction/dnn 2s 16 1 >/dev/null
  for path in /prediction/dnn /prediction/cnn /configuration/init; do
    for c in "${CONNS[@]}"; do run peer "$PEER" "$path" "$c"; done
  done
fi

echo
echo "| server | route | connections | requests/s | p50 ms | p99 ms | non-2xx |"
echo "|---|---|---:|---:|---:|---:|---:|"
sed -E 's/.*server=([^ ]+) path=([^ ]+) conns=([^ ]+) .*rps=([^ ]+) p50_ms=([^ ]+) .*p99_ms=([^ ]+) .*non2xx=([^ ]+).*/| \1 | \2 | \3 | \4 | \5 | \6 | \7 |/' "$RESULTS"
