#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: check the cuda backend against the reference interpreter, then measure it beside
# PyTorch on the same GPU (issue 17, part 4). One prepared run of at most ~15 minutes; everything it prints is also
# written under target/gpu-check/ (summary.txt is what goes into docs/performance.md, with the GPU's name).
#
#   scripts/gpu-check.sh            # build if needed, differential suite, benchmarks, PyTorch if it is installed
#   SKIP_SUITE=1 scripts/gpu-check.sh   # benchmarks only
#
# It needs a JDK 17+, the NVIDIA driver and nvcc (on the PATH, or NCD_NVCC); for the differential suite also Maven
# with the project's dependencies (online, or in ~/.m2). PyTorch is used only if it is already installed with CUDA.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=target/gpu-check
mkdir -p "$out"
summary="$out/summary.txt"
: > "$summary"
say() { echo "$*" | tee -a "$summary"; }

if ! nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader > "$out/gpu.txt" 2>&1; then
  cat "$out/gpu.txt"
  echo "gpu-check: nvidia-smi found no NVIDIA GPU here; nothing to check" >&2
  exit 1
fi
say "GPU: $(cat "$out/gpu.txt")"
say "nvcc: $( (${NCD_NVCC:-nvcc} --version 2>/dev/null || echo missing) | tail -1)"
say "date: $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"

# 1. the build (skipped when the jar is there: a copied tree may have newer timestamps than its jar)
if [ ! -f cli/target/ncdc.jar ]; then
  echo "gpu-check: building (mvn -q -B -DskipTests install)" >&2
  mvn -q -B -o -DskipTests install 2>/dev/null || mvn -q -B -DskipTests install || { echo "gpu-check: the build failed" >&2; exit 3; }
fi
ncdc() { java --add-modules jdk.incubator.vector -XX:+UseParallelGC -Xmx64g -jar cli/target/ncdc.jar "$@" 2> >(grep -v 'WARNING: Using incubator modules' >&2); }

# 2. the differential suite: every installed backend that can run here (cuda now) against the interpreter, on every
#    example, stdlib circuit, lit program and 100 random programs; hoisting and the special kernel shapes
if [ -z "${SKIP_SUITE:-}" ]; then
  if timeout 480 mvn -o -q -B test -pl tests -Dtest='BackendDifferentialTest,HoistingTest,CudaKernelShapesTest' \
      -Dncd.diff.randomPrograms=100 -Dsurefire.failIfNoSpecifiedTests=false > "$out/suite.log" 2>&1; then
    say "differential suite (cuda vs interp): passed"
  else
    say "differential suite (cuda vs interp): FAILED or could not run (rc $?); see $out/suite.log"
    tail -40 "$out/suite.log"
  fi
fi

# 3. ncd on the GPU: compile time (cold: an empty kernel cache; cached: again) and the step, the device's own loop
export NCD_CUDA_CACHE="$out/cache"
rm -rf "$NCD_CUDA_CACHE"
bench() {
  local label="$1"; shift
  echo "--- $label" | tee -a "$out/bench.log"
  timeout 240 ncdc bench "$@" --backend cuda --loop --runs 20 --warmup 2 2>&1 | tee -a "$out/bench.log" | tee "$out/last.log"
  say "$label: $(grep -E 'compile:' "$out/last.log" | head -1 | sed 's/^ *//'); $(grep -E 'latency per step' "$out/last.log" | sed 's/^ *//')"
}
bench "encoder layer d1024 h16 ff4096, batch 32 x seq 512" benchmarks/gpu/encoder.ncd --circuit Layer --axis batch=32
bench "encoder layer, cached kernels" benchmarks/gpu/encoder.ncd --circuit Layer --axis batch=32
bench "MLP 784-512-512-10, batch 4096" examples/mlp.ncd --circuit BatchClassifier --axis batch=4096
bench "Life 4096^2 torus (16.8 M cells per step)" stdlib/std/life.ncd --circuit Life --axis row=4096,col=4096
bench "CUBA 20,000 neurons, dense (real time: < 0.1 ms per step)" benchmarks/gpu/cuba20k.ncd --circuit CUBA

# 4. PyTorch eager on the same GPU, when installed with CUDA
if python3 -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  timeout 300 python3 benchmarks/peers/torch_gpu.py 2>&1 | tee "$out/torch.log" | sed 's/^/torch: /' | tee -a "$summary"
else
  say "PyTorch with CUDA is not installed here: ncd's figures alone"
fi
echo "gpu-check: done; $summary"
