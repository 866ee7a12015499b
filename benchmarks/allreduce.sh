#!/usr/bin/env bash
# All-reduce time per step for the U-Net gradient sizes on N local ranks (default 2), for several bucket sizes:
#   benchmarks/allreduce.sh [ranks] [bucket MB list, e.g. 4,25,100] [steps]
# (.NET prints a terminal escape under mpirun's pseudo-terminal; sed drops it.) Runs the test host's `bench` scenario under mpirun (Open MPI: ./build.sh mpi-setup). Prints the machine load first:
# on a shared machine the numbers move with it.
set -euo pipefail
cd "$(dirname "$0")/.."
ranks=${1:-2}; buckets=${2:-4,25,100}; steps=${3:-10}
dotnet build tests/Seismic.Distributed.TestHost -c Release -nologo -v quiet -clp:ErrorsOnly
echo "load: $(uptime)"
echo "cpu: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p')"
mpirun --allow-run-as-root --oversubscribe -np "$ranks" \
  dotnet tests/Seismic.Distributed.TestHost/bin/Release/net10.0/Seismic.Distributed.TestHost.dll \
  bench unet_ch32=15852481 unet_ch64=63330177 "b=$buckets" "steps=$steps" | sed 's/\x1b\[?1h\x1b=//g' | grep -v ' OK rank'
mpirun --allow-run-as-root --oversubscribe -np "$ranks" \
  dotnet tests/Seismic.Distributed.TestHost/bin/Release/net10.0/Seismic.Distributed.TestHost.dll allreduce | sed 's/\x1b\[?1h\x1b=//g' | grep 'allreduce 1M'
echo "load: $(uptime)"
