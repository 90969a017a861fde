// Runs generated CUDA on the CPU, for checking the generator where no GPU is (the cuda backend's `emulate`).
// Blocks run one after another. A kernel that synchronises (__syncthreads) runs each of its blocks' threads on an OS
// thread of its own, meeting at a barrier; the others run their threads in a loop. __shared__ arrays become statics:
// shared by a block's threads, reused by the next block. Semantics that differ from a GPU: none that generated code
// relies on (it never reads shared memory another block wrote, nor races within a block without a barrier).
#include <algorithm>
#include <barrier>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>
using std::max;
using std::min;
#define __host__
#define __device__
#define __global__
#define __forceinline__ inline
#define __shared__ static
#define NCD_HD inline

struct dim3 { unsigned x, y, z; };
static thread_local dim3 threadIdx, blockIdx;
static dim3 blockDim, gridDim;
static std::barrier<>* ncd_emu_barrier;
static std::mutex ncd_emu_atomic;

inline void __syncthreads() { ncd_emu_barrier->arrive_and_wait(); }
inline unsigned long long atomicMin(unsigned long long* p, unsigned long long v) {
    std::lock_guard<std::mutex> g(ncd_emu_atomic);
    unsigned long long old = *p;
    if (v < old) *p = v;
    return old;
}

template <typename K>
static void ncd_emu_launch(K kernel, unsigned gx, unsigned gy, unsigned gz, unsigned bx, bool syncs, char* base, long long step) {
    gridDim = {gx, gy, gz};
    blockDim = {bx, 1, 1};
    for (unsigned z = 0; z < gz; ++z) for (unsigned y = 0; y < gy; ++y) for (unsigned x = 0; x < gx; ++x) {
        dim3 b = {x, y, z};
        if (!syncs) {
            blockIdx = b;
            for (unsigned t = 0; t < bx; ++t) { threadIdx = {t, 0, 0}; kernel(base, step); }
            continue;
        }
        std::barrier<> bar(bx);
        ncd_emu_barrier = &bar;
        std::vector<std::thread> threads;
        for (unsigned t = 0; t < bx; ++t) {
            threads.emplace_back([=] { blockIdx = b; threadIdx = {t, 0, 0}; kernel(base, step); });
        }
        for (auto& th : threads) th.join();
    }
}
#define NCD_LAUNCH(k, gx, gy, gz, bx, syncs, base, step) ncd_emu_launch(k, gx, gy, gz, bx, syncs, base, step)
#define NCD_COPY(to, from, n) std::memmove(to, from, n)
