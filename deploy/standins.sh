#!/usr/bin/env bash
# Local stand-ins for the base images the Dockerfile names (mcr.microsoft.com/dotnet/sdk:10.0 and
# aspnet:10.0) and for the compose file's nginx, for machines that can reach package registries but
# no container registry. Each is a Debian root file system made with debootstrap from the mirror apt
# is configured with, plus pieces of this machine's own .NET install:
#   emotion-standin/dotnet-sdk:<sdk version>   the whole host install (SDK, runtimes, packs), as root
#   emotion-standin/aspnet:<runtime version>   only dotnet host + Microsoft.NETCore.App + Microsoft.AspNetCore.App,
#                                               with the official images' non-root user app (uid 1654) and APP_UID
#   emotion-standin/nginx:<debian suite>       Debian's nginx package
# All three trust this machine's CA store (/etc/ssl/certs), so a NuGet restore inside them works behind
# a TLS-inspecting egress. Images already present are reused: they depend only on the host's .NET
# version and the recipe version below, both part of the tag or label.
#
# Usage: deploy/standins.sh            builds what is missing, then prints three lines NAME=IMAGE
# Needs: root, a running Docker engine, debootstrap.
set -euo pipefail

RECIPE=1                                  # bump when this script changes what goes into an image
CACHE=${STANDIN_CACHE:-/var/cache/emotion-standins}
mkdir -p "$CACHE"
log() { echo "standins: $*" >&2; }

dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
sdk_version=$("$dotnet_root/dotnet" --version)
runtime_version=$(ls "$dotnet_root/shared/Microsoft.NETCore.App" | sort -V | tail -1)
aspnet_version=$(ls "$dotnet_root/shared/Microsoft.AspNetCore.App" | sort -V | tail -1)
. /etc/os-release
suite=${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}

# The Debian mirror apt already uses (deb822 .sources first, then one-line sources.list).
mirror() {
  local uri
  uri=$(awk '/^URIs:/ {for (i = 2; i <= NF; i++) if ($i !~ /security/) {print $i; exit}}' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
  [ -n "$uri" ] || uri=$(awk '$1 == "deb" && $0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -1)
  [ -n "$uri" ] || { log "no Debian mirror found in /etc/apt/sources.list*"; exit 1; }
  echo "$uri"
}

present() { docker image inspect "$1" >/dev/null 2>&1 && [ "$(docker image inspect -f '{{index .Config.Labels "emotion.standin.recipe"}}' "$1")" = "$RECIPE" ]; }

# The base root file system, once per suite and recipe: minbase plus the libraries .NET needs
# (ICU, OpenSSL, zlib, libstdc++), as the official Debian-based .NET images carry them.
base_rootfs() {
  local tarball="$CACHE/$suite-minbase-r$RECIPE.tar"
  if [ ! -s "$tarball" ]; then
    command -v debootstrap >/dev/null || { log "debootstrap is not installed"; exit 1; }
    mkdir -p "$CACHE/debs"
    local dir; dir=$(mktemp -d "$CACHE/rootfs.XXXX")
    log "debootstrap $suite (minbase) into $dir"
    debootstrap --variant=minbase --cache-dir="$CACHE/debs" \
      --include=ca-certificates,libicu72,libssl3,zlib1g,libstdc++6,tzdata,bash \
      "$suite" "$dir" "$(mirror)" >"$CACHE/debootstrap.log" 2>&1 \
      || { tail -20 "$CACHE/debootstrap.log" >&2; rm -rf "$dir"; exit 1; }
    rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
    tar -C "$dir" -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
    rm -rf "$dir"
  fi
  echo "$tarball"
}

# Unpacks the base into a fresh folder, adds the host's CA store; prints the folder.
unpack_base() {
  local dir; dir=$(mktemp -d "$CACHE/image.XXXX")
  tar -C "$dir" -xf "$(base_rootfs)"
  rm -rf "$dir/etc/ssl/certs" && mkdir -p "$dir/etc/ssl/certs" && cp -rL /etc/ssl/certs/. "$dir/etc/ssl/certs/"
  echo "$dir"
}

add_app_user() {
  # The official images' non-root user: group and user app, uid/gid 1654, with a home.
  chroot "$1" groupadd --gid=1654 app
  chroot "$1" useradd --no-log-init --uid=1654 --gid=1654 --create-home app
}

import() { # dir image change...
  local dir=$1 image=$2; shift 2
  local args=(-c "LABEL emotion.standin.recipe=$RECIPE")
  for change in "$@"; do args+=(-c "$change"); done
  log "importing $image"
  tar -C "$dir" -c . | docker import "${args[@]}" - "$image" >/dev/null
  rm -rf "$dir"
}

sdk_image=emotion-standin/dotnet-sdk:$sdk_version
runtime_image=emotion-standin/aspnet:$aspnet_version
nginx_image=emotion-standin/nginx:$suite

if ! present "$sdk_image"; then
  dir=$(unpack_base)
  mkdir -p "$dir/usr/share/dotnet" && cp -a "$dotnet_root/." "$dir/usr/share/dotnet/"
  ln -sf /usr/share/dotnet/dotnet "$dir/usr/bin/dotnet"
  add_app_user "$dir"
  import "$dir" "$sdk_image" \
    "ENV APP_UID=1654 DOTNET_RUNNING_IN_CONTAINER=true DOTNET_VERSION=$runtime_version ASPNET_VERSION=$aspnet_version DOTNET_SDK_VERSION=$sdk_version DOTNET_GENERATE_ASPNET_CERTIFICATE=false DOTNET_NOLOGO=true DOTNET_USE_POLLING_FILE_WATCHER=true NUGET_XMLDOC_MODE=skip ASPNETCORE_HTTP_PORTS=8080 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    "CMD [\"bash\"]"
fi

if ! present "$runtime_image"; then
  dir=$(unpack_base)
  mkdir -p "$dir/usr/share/dotnet/shared"
  cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$dotnet_root/LICENSE.txt" "$dir/usr/share/dotnet/"
  cp -a "$dotnet_root/shared/Microsoft.NETCore.App" "$dotnet_root/shared/Microsoft.AspNetCore.App" "$dir/usr/share/dotnet/shared/"
  ln -sf /usr/share/dotnet/dotnet "$dir/usr/bin/dotnet"
  add_app_user "$dir"
  import "$dir" "$runtime_image" \
    "ENV APP_UID=1654 DOTNET_RUNNING_IN_CONTAINER=true DOTNET_VERSION=$runtime_version ASPNET_VERSION=$aspnet_version ASPNETCORE_HTTP_PORTS=8080 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    "EXPOSE 8080"
fi

if ! present "$nginx_image"; then
  dir=$(unpack_base)
  # Installed in a chroot of the new root file system, from the same mirror; no service is started.
  printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d" && chmod +x "$dir/usr/sbin/policy-rc.d"
  printf 'deb %s %s main\n' "$(mirror)" "$suite" >"$dir/etc/apt/sources.list"
  cp /etc/resolv.conf "$dir/etc/resolv.conf"
  chroot "$dir" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >/dev/null' \
    >"$CACHE/nginx-apt.log" 2>&1 || chroot "$dir" sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >/dev/null' \
    >>"$CACHE/nginx-apt.log" 2>&1 || { tail -20 "$CACHE/nginx-apt.log" >&2; rm -rf "$dir"; exit 1; }
  rm -f "$dir/usr/sbin/policy-rc.d" "$dir/etc/resolv.conf" && rm -rf "$dir"/var/lib/apt/lists/*
  # As the official image: logs to the container's stdout/stderr, nginx in the foreground.
  ln -sf /dev/stdout "$dir/var/log/nginx/access.log" && ln -sf /dev/stderr "$dir/var/log/nginx/error.log"
  import "$dir" "$nginx_image" "EXPOSE 80" "CMD [\"nginx\", \"-g\", \"daemon off;\"]"
fi

echo "SDK_IMAGE=$sdk_image"
echo "RUNTIME_IMAGE=$runtime_image"
echo "NGINX_IMAGE=$nginx_image"
