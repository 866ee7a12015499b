# Seismic.I2sb for NVIDIA GPUs: CUDA runtime, the .NET SDK, and the seismic-i2sb CLI built with the CUDA backend by the
# same script the README uses (./build.sh publish cuda). See docs/docker.md.
#   docker build -t seismic-i2sb:cuda .
#   docker run --gpus=all -p 6006:6006 -v "$PWD/data":/data -v "$PWD/results":/results seismic-i2sb:cuda train ...
#   docker run --gpus=all ... --entrypoint mpirun seismic-i2sb:cuda --allow-run-as-root -np 4 seismic-i2sb train ...   (Open MPI included)
# libtorch 2.10 in TorchSharp-cuda-linux 0.107 is built for CUDA 12.8: the host needs a driver for CUDA 12.8 or newer.
FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu22.04

ENV DEBIAN_FRONTEND=noninteractive \
    DOTNET_ROOT=/usr/share/dotnet \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl libicu70 openmpi-bin \
 && curl -fsSL https://dot.net/v1/dotnet-install.sh -o /tmp/dotnet-install.sh \
 && bash /tmp/dotnet-install.sh --channel 10.0 --install-dir "$DOTNET_ROOT" \
 && ln -s "$DOTNET_ROOT/dotnet" /usr/local/bin/dotnet \
 && rm -rf /var/lib/apt/lists/* /tmp/dotnet-install.sh

# TorchSharp-cuda-linux is served by nuget.org only (the repository's nuget.config names no source).
WORKDIR /src
COPY . .
RUN dotnet nuget add source https://api.nuget.org/v3/index.json -n nuget.org 2>/dev/null || true \
 && ./build.sh publish cuda /opt/seismic-i2sb \
 && ln -s /opt/seismic-i2sb/seismic-i2sb /usr/local/bin/seismic-i2sb \
 && rm -rf /src/*/*/bin /src/*/*/obj /root/.nuget/packages

# Data (OpenFWI layout, LMDB caches are written next to it) and results (checkpoints, TensorBoard logs, figures).
VOLUME ["/data", "/results"]
# TensorBoard, as the original image: run `tensorboard --logdir /results` on the host or in a sidecar container.
EXPOSE 6006
WORKDIR /results
ENTRYPOINT ["seismic-i2sb"]
CMD ["doctor"]
