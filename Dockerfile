# EmotionRecognition Api image.
#   docker build -t emotion-recognition .
#   docker run -p 8080:80 emotion-recognition        # then http://localhost:8080
# Serves models/ and config.ini from the build context; override settings with EMOTION_* or
# ASPNETCORE_* variables (e.g. -e ASPNETCORE_HTTP_PORTS=8080 to listen elsewhere).

ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0

FROM ${SDK_IMAGE} AS build
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
RUN dotnet publish src/Api/EmotionRecognition.Api.csproj -c Release -r linux-x64 --no-restore -o /app

FROM ${RUNTIME_IMAGE}
WORKDIR /app
COPY --from=build /app ./
# config.ini's [models] path (models) resolves next to it: /app/models.
COPY config.ini ./
COPY models/ models/
# Port 80 as the original image; Docker lets a non-root process bind it (ip_unprivileged_port_start=0).
ENV ASPNETCORE_HTTP_PORTS=80 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
EXPOSE 80
# The non-root user the .NET images provide (uid 1654).
USER $APP_UID
ENTRYPOINT ["dotnet", "EmotionRecognition.Api.dll"]
