#!/usr/bin/env bash
# Builds the Dockerfile for real and probes the image, then runs compose.yaml with two replicas behind
# nginx. Runs as root from any checkout: installs and starts a Docker engine when none answers, makes
# local stand-ins for the base images (deploy/standins.sh; kept between runs), and removes its own
# containers, networks and temporary files on exit, whatever happens. What it checks: docs/container.md.
# Ends with "container-test: N passed, N failed"; exits non-zero when anything failed.
#
#   bash deploy/container-test.sh            (HOST_PORT=8080 and PROXY_PORT=8088 unless taken)
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
export DOCKER_BUILDKIT=0          # the engine Debian ships has no buildx; the classic builder reads the same Dockerfile

passed=0; failed=0
ok()   { passed=$((passed + 1)); echo "  ok    $*"; }
fail() { failed=$((failed + 1)); echo "  FAIL  $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }
figure() { echo "  figure $*"; }
finish() { echo "container-test: $passed passed, $failed failed"; [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]; exit $?; }
abort()  { fail "$*"; finish; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

tag=emotion-ct-$$
image=emotion-recognition:container-test
work=$(mktemp -d /tmp/emotion-ct.XXXXXX)
started_dockerd=
compose=()

cleanup() {
  set +e
  if [ ${#compose[@]} -gt 0 ]; then "${compose[@]}" down -v --remove-orphans -t 5 >/dev/null 2>&1; fi
  docker ps -aq --filter "label=emotion.container-test=$tag" | xargs -r docker rm -f >/dev/null 2>&1
  rm -rf "$work"
  if [ -n "$started_dockerd" ]; then kill "$started_dockerd" 2>/dev/null; wait "$started_dockerd" 2>/dev/null; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== container test ($repo)"

# --- engine and tools ------------------------------------------------------------------------------
need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v wrk >/dev/null || need+=(wrk)
command -v curl >/dev/null || need+=(curl)
if ! docker compose version >/dev/null 2>&1 && ! command -v docker-compose >/dev/null; then need+=(docker-compose); fi
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}") >"$work/apt.log" 2>&1 \
    || { tail -5 "$work/apt.log"; abort "apt-get install ${need[*]}"; }
fi
if ! docker info >/dev/null 2>&1; then
  echo "starting dockerd"
  dockerd >/tmp/emotion-ct-dockerd.log 2>&1 &
  started_dockerd=$!
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { tail -5 /tmp/emotion-ct-dockerd.log; abort "Docker engine starts"; }
fi
if docker compose version >/dev/null 2>&1; then compose_cmd=(docker compose); else compose_cmd=(docker-compose); fi

# --- Kubernetes manifests, offline ------------------------------------------------------------------
if bash deploy/validate-manifests.sh >"$work/manifests.log" 2>&1; then
  ok "deploy/*.yaml valid against bundled Kubernetes schemas and the image; validator rejects $(grep -c '^self-check: rejects' "$work/manifests.log") mutations"
else
  cat "$work/manifests.log"; fail "deploy/*.yaml validation (deploy/validate-manifests.sh)"
fi

# A host port: the wanted one unless something already listens there.
free_port() {
  local p=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}

# --- stand-in bases and the build ------------------------------------------------------------------
t=$(now)
standins=$(bash deploy/standins.sh) || abort "stand-in base images build"
eval "$standins"
figure "stand-in images ready in $(since "$t") s"

t=$(now)
# The build stage gets a tag of its own: it holds the restored-packages layer that makes the next build
# warm, and tagged it survives the pruning of earlier runs' leftovers below.
build=(docker build --build-arg "SDK_IMAGE=$SDK_IMAGE" --build-arg "RUNTIME_IMAGE=$RUNTIME_IMAGE" --label emotion.container-test.image=1)
if "${build[@]}" --target build -t "$image-build" . >"$work/build.log" 2>&1 && "${build[@]}" -t "$image" . >>"$work/build.log" 2>&1; then
  ok "docker build (SDK_IMAGE=$SDK_IMAGE RUNTIME_IMAGE=$RUNTIME_IMAGE)"
else
  tail -30 "$work/build.log"; abort "docker build"
fi
figure "build $(since "$t") s"
size=$(docker image inspect -f '{{.Size}}' "$image")
figure "image size $((size / 1000000)) MB ($size bytes)"
# Images of earlier runs that these builds untagged go; the stand-ins and the layer cache stay.
docker image prune -f --filter label=emotion.container-test.image=1 >/dev/null 2>&1

# --- probes -----------------------------------------------------------------------------------------
mfccs='{"mfccs":[-512.3,88.1,-10.2,25.4,-3.3,12.9,-7.7,4.1,-2.2,6.6,-1.1,3.9,-4.4,2.5,-0.6,1.8,-2.9,0.7,-1.5,1.2,-0.9,0.4,-0.3,0.8,-0.2]}'
wav=$(ls "$repo"/../shared/ravdess/Actor_01/*.wav 2>/dev/null | head -1)
if [ -z "$wav" ]; then
  # No corpus beside the checkout: two seconds of a vowel-like harmonic tone, 22.05 kHz mono 16-bit.
  wav=$work/tone.wav
  python3 - "$wav" <<'PY' || abort "generate a WAV (python3)"
import math, struct, sys, wave
rate = 22050
with wave.open(sys.argv[1], "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(rate)
    w.writeframes(b"".join(struct.pack("<h", int(3000 * sum(math.sin(2 * math.pi * 140 * k * n / rate) / k for k in range(1, 12))))
                           for n in range(2 * rate)))
PY
fi

# status body_file method url [curl args...]
http() { local out=$1 method=$2 url=$3; shift 3; curl -s -m 30 -o "$out" -w '%{http_code}' -X "$method" "$@" "$url"; }
eight_results() { [ "$(grep -o '"emotionType"' "$1" | wc -l)" -eq 8 ]; }

wait_ready() { # url seconds
  local deadline=$(( $(date +%s) + $2 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    [ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' "$1/health/ready")" = 200 ] && return 0
    sleep 0.2
  done
  return 1
}

probe_api() { # base-url container label
  local base=$1 c=$2 label=$3 body=$work/body code
  for net in DNN CNN; do
    code=$(http "$body" POST "$base/prediction/$net" -H 'Content-Type: application/json' -d "$mfccs")
    check "$label: POST /prediction/$net 25 MFCCs -> 200, 8 results (got $code)" eight_results_if "$code" "$body"
  done
  code=$(http "$body" GET "$base/init/configuration")
  check "$label: GET /init/configuration -> {\"numberOfMfccs\":25} (got $code $(head -c 60 "$body"))" \
    test "$code $(cat "$body")" = '200 {"numberOfMfccs":25}'
  for net in CNN DNN CRNN; do
    code=$(http "$body" POST "$base/prediction/$net" -H 'Content-Type: audio/wav' --data-binary "@$wav")
    check "$label: POST /prediction/$net $(basename "$wav") as audio/wav -> 200, 8 results (got $code)" eight_results_if "$code" "$body"
  done
  code=$(http "$body" GET "$base/health/ready")
  check "$label: GET /health/ready -> 200 Healthy (got $code)" grep -q '"status":"Healthy"' "$body"
  local uid; uid=$(docker exec "$c" id -u 2>/dev/null)
  check "$label: process is not root (id -u $uid, /proc/1 $(docker exec "$c" awk '/^Uid/ {print $2}' /proc/1/status 2>/dev/null))" \
    test "$uid" = 1654 -a "$(docker exec "$c" awk '/^Uid/ {print $2}' /proc/1/status 2>/dev/null)" = 1654
  local set; set=$(docker exec "$c" cat /app/models/current 2>/dev/null | tr -d '[:space:]')
  code=$(http "$body" GET "$base/models")
  check "$label: models inside the image (/app/models/current = ${set:-none}, served by GET /models)" \
    test -n "$set" -a "$code" = 200 -a "$(grep -o '"modelSetId":"[^"]*"' "$body")" = "\"modelSetId\":\"$set\""
}
eight_results_if() { [ "$1" = 200 ] && eight_results "$2"; }

run_single() { # name label docker-run-args...
  local name=$1 label=$2; shift 2
  local port; port=$(free_port "${HOST_PORT:-8080}")
  local t; t=$(now)
  docker run -d --name "$name" --label "emotion.container-test=$tag" -p "127.0.0.1:$port:80" "$@" "$image" >/dev/null \
    || { fail "$label: docker run -p $port:80"; return 1; }
  if wait_ready "http://127.0.0.1:$port" 120; then
    ok "$label: ready on -p $port:80"; figure "$label: start-to-ready $(since "$t") s"
  else
    fail "$label: ready within 120 s"; docker logs "$name" 2>&1 | tail -20; return 1
  fi
  probe_api "http://127.0.0.1:$port" "$name" "$label"
  last_port=$port
}

echo "-- docker run -p 8080:80 (as README says)"
if run_single "$tag-plain" plain; then
  figure "plain: RSS idle $(docker stats --no-stream --format '{{.MemUsage}}' "$tag-plain")"
  # Load for the RSS and CPU figures under load: 12 s of DNN predictions, sampled half way.
  wrk -t2 -c4 -d12s --timeout 5s -s deploy/compose/prediction.lua "http://127.0.0.1:$last_port/prediction/DNN" >"$work/wrk-single.txt" 2>&1 &
  wrk_pid=$!
  sleep 6
  figure "plain: under MFCC load $(docker stats --no-stream --format 'RSS {{.MemUsage}} CPU {{.CPUPerc}}' "$tag-plain")"
  wait "$wrk_pid"
  figure "plain: $(grep -E 'requests in|Requests/sec' "$work/wrk-single.txt" | tr -s ' ' | tr '\n' ' ')"
  check "plain: no failed requests under MFCC load" bash -c "grep -q 'requests in' '$work/wrk-single.txt' && ! grep -qE 'Non-2xx|Socket errors' '$work/wrk-single.txt'"
  # Audio through the CRNN: decoding, features and the heaviest network.
  WAV=$wav wrk -t2 -c2 -d12s --timeout 10s -s deploy/compose/audio.lua "http://127.0.0.1:$last_port/prediction/CRNN" >"$work/wrk-audio.txt" 2>&1 &
  wrk_pid=$!
  sleep 6
  figure "plain: under CRNN audio load $(docker stats --no-stream --format 'RSS {{.MemUsage}} CPU {{.CPUPerc}}' "$tag-plain")"
  wait "$wrk_pid"
  figure "plain: CRNN audio: $(grep -E 'requests in|Requests/sec' "$work/wrk-audio.txt" | tr -s ' ' | tr '\n' ' ')"
  check "plain: no failed requests under audio load" bash -c "grep -q 'requests in' '$work/wrk-audio.txt' && ! grep -qE 'Non-2xx|Socket errors' '$work/wrk-audio.txt'"
  figure "plain: RSS after load $(docker stats --no-stream --format '{{.MemUsage}}' "$tag-plain")"
  # SIGTERM: docker stop sends it and kills after the 10 s grace period.
  t=$(now)
  docker stop -t 10 "$tag-plain" >/dev/null
  took=$(since "$t")
  code=$(docker inspect -f '{{.State.ExitCode}}' "$tag-plain")
  check "plain: docker stop -t 10 -> stopped in ${took} s (< 10), exit code $code (0 or 143)" \
    awk -v s="$took" -v c="$code" 'BEGIN { exit !(s < 10 && (c == 0 || c == 143)) }'
  check "plain: logs a clean shutdown (Application is shutting down)" bash -c "docker logs '$tag-plain' 2>&1 | grep -q 'Application is shutting down'"
fi

echo "-- docker run --read-only --tmpfs /tmp"
run_single "$tag-ro" read-only --read-only --tmpfs /tmp:rw,size=64m
docker rm -f "$tag-ro" >/dev/null 2>&1

# --- two replicas behind nginx ----------------------------------------------------------------------
echo "-- compose: 2 replicas behind nginx"
mkdir -p "$work/models" && cp -a models/. "$work/models/" && chmod -R a+rX "$work"
export API_IMAGE=$image NGINX_IMAGE MODELS_DIR=$work/models PROXY_PORT
PROXY_PORT=$(free_port "${PROXY_PORT:-8088}")
compose=("${compose_cmd[@]}" -p "$tag" -f compose.yaml)
t=$(now)
if "${compose[@]}" up -d --no-build --scale api=2 >"$work/compose-up.log" 2>&1 && wait_ready "http://127.0.0.1:$PROXY_PORT" 120; then
  ok "compose up: 2 replicas healthy, proxy on $PROXY_PORT"; figure "compose: up-to-ready through the proxy $(since "$t") s"
else
  cat "$work/compose-up.log"; "${compose[@]}" logs --tail 20 2>&1 | tail -40; abort "compose up with 2 replicas"
fi
replicas=($("${compose[@]}" ps -q api))
check "compose: ${#replicas[@]} api replicas running" test "${#replicas[@]}" -eq 2
ip_of() { docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' "$1" | awk '{print $1}'; }
for r in "${replicas[@]}"; do
  check "compose: replica $(ip_of "$r") healthy (docker healthcheck)" test "$(docker inspect -f '{{.State.Health.Status}}' "$r")" = healthy
done
code=$(http "$work/body" POST "http://127.0.0.1:$PROXY_PORT/prediction/DNN" -H 'Content-Type: application/json' -d "$mfccs")
check "compose: POST /prediction/DNN through the proxy -> 200, 8 results (got $code)" eight_results_if "$code" "$work/body"

# A new model set reaches every replica: publish a copy under a new id, flip current atomically.
old=$(tr -d '[:space:]' <"$work/models/current")
new=${old%-*}-$(printf '%08x' $$)
cp -a "$work/models/$old" "$work/models/.tmp-$new"
sed -i "s/\"setId\": *\"$old\"/\"setId\": \"$new\"/" "$work/models/.tmp-$new/manifest.json"
mv "$work/models/.tmp-$new" "$work/models/$new"
echo "$new" >"$work/models/current.tmp" && mv "$work/models/current.tmp" "$work/models/current"
t=$(now)
for r in "${replicas[@]}"; do
  ip=$(ip_of "$r"); seen=
  for _ in $(seq 100); do
    seen=$(curl -s -m 2 "http://$ip:80/models" | grep -o '"modelSetId":"[^"]*"')
    [ "$seen" = "\"modelSetId\":\"$new\"" ] && break
    sleep 0.2
  done
  check "compose: replica $ip serves the new set $new (GET /models directly, $(since "$t") s after the flip)" \
    test "$seen" = "\"modelSetId\":\"$new\""
done

# Failover: load through the proxy, one replica stopped 5 s in.
wrk -t2 -c4 -d15s --timeout 5s -s deploy/compose/prediction.lua "http://127.0.0.1:$PROXY_PORT/prediction/DNN" >"$work/wrk-failover.txt" 2>&1 &
wrk_pid=$!
sleep 5
stopped_ip=$(ip_of "${replicas[0]}")
t=$(now)
docker stop -t 10 "${replicas[0]}" >/dev/null
figure "compose: replica $stopped_ip stopped mid-load in $(since "$t") s"
wait "$wrk_pid"
total=$(awk '/requests in/ {print $1}' "$work/wrk-failover.txt")
non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/wrk-failover.txt"); non2xx=${non2xx:-0}
sockerr=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$work/wrk-failover.txt"); sockerr=${sockerr:-0}
"${compose[@]}" logs --no-color proxy >"$work/proxy.log" 2>&1
retried=$(grep -c 'status=[0-9-]*, ' "$work/proxy.log")
served_by=$(grep -o 'upstream=[0-9.]*:80' "$work/proxy.log" | sort -u | wc -l)
check "compose: the proxy spread requests over both replicas ($served_by upstream addresses in its log)" test "$served_by" -eq 2
figure "compose failover: $total requests, $non2xx non-2xx, $sockerr socket errors, $retried retried by the proxy"
check "compose: no failed requests while a replica stops (${total:-0} sent, $non2xx non-2xx, $sockerr socket errors)" \
  test "${total:-0}" -gt 0 -a "$non2xx" -eq 0 -a "$sockerr" -eq 0

finish
