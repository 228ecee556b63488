#!/bin/bash
# Server CPU time per request (user+system of the Api process over one wrk cell / requests): less
# sensitive than requests/s to other load on a shared machine.
#   bench/api-cpu-per-request.sh MODELS_DIR PATH [CONNS] [API ARGS...]
#   e.g. bench/api-cpu-per-request.sh models /prediction/DNN 16
# Publishes the Api (Release) to a temp folder, runs it on 127.0.0.1:8085, 2 s warm-up, 5 s measured.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KIT=$ROOT/../shared/bench
MODELS=$(cd "${1:?models folder}" && pwd); P=${2:?path}; C=${3:-16}; shift $(( $# > 3 ? 3 : $# ))
OUT=$(mktemp -d)
dotnet publish "$ROOT/src/Api/EmotionRecognition.Api.csproj" -c Release -o "$OUT/api" --nologo -v quiet >/dev/null
(cd "$OUT/api" && exec dotnet EmotionRecognition.Api.dll --urls http://127.0.0.1:8085 --models:path="$MODELS" "$@" >/dev/null 2>&1) &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$OUT"' EXIT
for _ in $(seq 100); do curl -sf http://127.0.0.1:8085/health/ready >/dev/null && break; sleep 0.2; done
"$KIT/load.sh" http://127.0.0.1:8085 "$P" 2s "$C" 1 >/dev/null
ticks() { awk '{print $14+$15}' "/proc/$PID/stat"; }
before=$(ticks)
result=$("$KIT/load.sh" http://127.0.0.1:8085 "$P" 5s "$C" 1 | grep '^RESULT ')
after=$(ticks)
requests=$(sed -E 's/.* requests=([0-9]+) .*/\1/' <<<"$result")
rps=$(sed -E 's/.*rps=([^ ]+) .*/\1/' <<<"$result")
echo "path=$P conns=$C $* rps=$rps cpu_us_per_request=$(( (after - before) * 1000000 / $(getconf CLK_TCK) / requests ))"
