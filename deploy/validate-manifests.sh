#!/usr/bin/env bash
# Validates deploy/*.yaml offline (deploy/validate-manifests.mjs), after proving the validator rejects
# real mistakes: each mutation below, applied to a copy, must make it fail.
# Needs node and npm; installs kubernetes-models and yaml from the npm registry once into a cache
# folder (STANDIN_CACHE, as deploy/standins.sh), then runs without the network.
set -uo pipefail
cd "$(dirname "$0")/.."
cache=${STANDIN_CACHE:-/var/cache/emotion-standins}/npm-manifests
if [ ! -f "$cache/node_modules/kubernetes-models/package.json" ] || [ ! -f "$cache/node_modules/yaml/package.json" ]; then
  command -v npm >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm) >/dev/null 2>&1
  mkdir -p "$cache"
  (cd "$cache" && npm install --no-audit --no-fund --silent --no-save kubernetes-models@5.1.0 yaml@2.9.1) >&2 \
    || { echo "npm install kubernetes-models yaml failed"; exit 1; }
fi
validate() { node deploy/validate-manifests.mjs "$cache/node_modules" "$@"; }

rc=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mutations=(
  "deployment.yaml|s/readinessProbe:/readinessProb:/|a misspelt field"
  "deployment.yaml|s/containerPort: 80/containerPort: 8080/|a container port the image does not listen on"
  "deployment.yaml|s/replicas: 2/replicas: two/|a string where the schema wants an integer"
  "deployment.yaml|/runAsUser: 1654/d|no non-root uid"
  "deployment.yaml|s/readOnlyRootFilesystem: true/readOnlyRootFilesystem: false/|a writable root file system"
  "deployment.yaml|s#path: /health/ready#path: /healthz#|a readiness path the Api does not answer"
  "deployment.yaml|/ip_unprivileged_port_start/,+1d|port 80 without the unprivileged-port sysctl"
  "service.yaml|s/targetPort: http/targetPort: web/|a Service port that names no container port"
  "hpa.yaml|s/name: emotion-recognition$/name: emotion-recogniton/|an autoscaler for another Deployment"
)
for m in "${mutations[@]}"; do
  IFS='|' read -r file expr what <<<"$m"
  rm -rf "$tmp/deploy" && mkdir -p "$tmp/deploy" && cp deploy/*.yaml "$tmp/deploy/" && cp Dockerfile "$tmp/"
  sed -i "$expr" "$tmp/deploy/$file"
  if cmp -s "deploy/$file" "$tmp/deploy/$file"; then echo "self-check: mutation '$what' changed nothing"; rc=1
  elif validate "$tmp"/deploy/*.yaml >"$tmp/out" 2>&1; then echo "self-check: accepted $what"; rc=1
  else echo "self-check: rejects $what ($(head -1 "$tmp/out"))"; fi
done
validate deploy/*.yaml || rc=1
exit $rc
