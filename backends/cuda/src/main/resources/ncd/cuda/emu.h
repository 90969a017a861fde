// Runs generated CUDA on the CPU, for checking the generator where no GPU is (CudaBackend.emulate). Blocks run one
// after another on one thread. A kernel that synchronises is written in phases (prelude.cuh): here NCD_THREADS loops
// over the block's threads, so each phase runs for every thread before the next begins, which is what __syncthreads
// guarantees; per-thread values that cross phases get an array slot per thread. A kernel that does not synchronise
// is called once per thread. __shared__ arrays become statics: shared by a block's threads, reused by the next block.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
using std::max;
using std::min;
#define __host__
#define __device__
#define __global__
#define __forceinline__ inline
#define __shared__ static
#define NCD_HD inline

struct dim3 { unsigned x, y, z; };
static dim3 threadIdx, blockIdx, blockDim, gridDim;

#define NCD_THREADS for (threadIdx.x = 0; threadIdx.x < blockDim.x; ++threadIdx.x)
#define NCD_SYNC
#define NCD_MINE(v) v[threadIdx.x]
#define NCD_PER_THREAD(T, name, dims) static T name[1024] dims

inline unsigned long long atomicMin(unsigned long long* p, unsigned long long v) {
    unsigned long long old = *p;
    if (v < old) *p = v;
    return old;
}

template <typename K>
static void ncd_emu_launch(K kernel, unsigned gx, unsigned gy, unsigned gz, unsigned bx, bool syncs, char* base, long long step) {
    gridDim = {gx, gy, gz};
    blockDim = {bx, 1, 1};
    for (unsigned z = 0; z < gz; ++z) for (unsigned y = 0; y < gy; ++y) for (unsigned x = 0; x < gx; ++x) {
        blockIdx = {x, y, z};
        if (syncs) {
            threadIdx = {0, 0, 0};
            kernel(base, step);   // it loops over its threads itself, phase by phase
        } else {
            for (unsigned t = 0; t < bx; ++t) { threadIdx = {t, 0, 0}; kernel(base, step); }
        }
    }
}
#define NCD_LAUNCH(k, gx, gy, gz, bx, syncs, base, step) ncd_emu_launch(k, gx, gy, gz, bx, syncs, base, step)
#define NCD_COPY(to, from, n) std::memmove(to, from, n)
