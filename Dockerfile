# EmotionRecognition Api image.
#   docker build -t emotion-recognition .
#   docker run -p 8080:80 emotion-recognition        # then http://localhost:8080
# Serves models/ and config.ini from the build context; override settings with EMOTION_* or
# ASPNETCORE_* variables (e.g. -e ASPNETCORE_HTTP_PORTS=8080 to listen elsewhere).
# The base images are build arguments so a machine without registry access can build against local
# stand-ins (deploy/standins.sh, used by deploy/container-test.sh); the defaults are the official ones.
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0

FROM ${SDK_IMAGE} AS build
# strip (binutils) for libtorch below; first, so it stays cached whatever changes.
RUN command -v strip >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends binutils >/dev/null && rm -rf /var/lib/apt/lists/*; }
WORKDIR /src
# Restore first, from the project files only, so code changes reuse the cached package layer.
COPY Directory.Build.props Directory.Build.targets Directory.Packages.props ./
COPY build/ build/
COPY src/Domain/EmotionRecognition.Domain.csproj src/Domain/
COPY src/Application/EmotionRecognition.Application.csproj src/Application/
COPY src/Infrastructure/EmotionRecognition.Infrastructure.csproj src/Infrastructure/
COPY src/Api/EmotionRecognition.Api.csproj src/Api/
RUN dotnet restore src/Api/EmotionRecognition.Api.csproj -r linux-x64
COPY src/Domain/ src/Domain/
COPY src/Application/ src/Application/
COPY src/Infrastructure/ src/Infrastructure/
COPY src/Api/ src/Api/
# Publishing also runs build/WeakenGlibcxxVersion.targets (AfterTargets=Publish) on the published
# libLibTorchSharp.so, so libtorch loads whatever libstdc++ the runtime image has.
# Of libtorch-cpu's libraries the Api maps only libtorch, libtorch_cpu, libc10 and libgomp (read from
# /proc/1/maps of a serving container); the Python binding, test, NNAPI and AOTInductor libraries go.
# Stripping the static symbol tables (dynamic symbols stay) takes 92 MB off libtorch_cpu.so; libtorch's
# C++ backtraces then name fewer internal frames. deploy/container-test.sh proves the result serves.
RUN dotnet publish src/Api/EmotionRecognition.Api.csproj -c Release -r linux-x64 --no-restore -o /app \
 && cd /app \
 && rm -f libtorch_python.so libtorchbind_test.so libjitbackend_test.so libbackend_with_compiler.so \
          libnnapi_backend.so libaoti_custom_ops.so libshm.so libtorch_global_deps.so \
 && strip --strip-unneeded libtorch_cpu.so libtorch.so libc10.so

# No SDK from here on: the ASP.NET Core runtime and the published Api only.
FROM ${RUNTIME_IMAGE}
WORKDIR /app
COPY --from=build /app ./
# config.ini's [models] path (models) resolves next to it: /app/models. Owned by root, read-only to
# the app user; the image runs with a read-only root file system (only /tmp needs to be writable).
COPY config.ini ./
COPY models/ models/
# Port 80 as the original image; Docker lets a non-root process bind it (ip_unprivileged_port_start=0).
ENV ASPNETCORE_HTTP_PORTS=80 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
EXPOSE 80
# Ready = a model set is loaded. The runtime image has no curl, so bash asks over /dev/tcp.
HEALTHCHECK --interval=5s --timeout=3s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${ASPNETCORE_HTTP_PORTS%%[;,]*} && printf 'GET /health/ready HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && read -r _ status _ <&3 && [ \"$status\" = 200 ]"]
# The non-root user the .NET images provide (uid 1654).
USER $APP_UID
ENTRYPOINT ["dotnet", "EmotionRecognition.Api.dll"]
