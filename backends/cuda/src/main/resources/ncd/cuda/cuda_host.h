// The launch macros of the generated host functions when compiled for a GPU with nvcc (emu.h has the CPU ones).
#include <cuda_runtime.h>
#define NCD_LAUNCH(k, gx, gy, gz, bx, syncs, base, step) k<<<dim3(gx, gy, gz), dim3(bx)>>>(base, step)
#define NCD_COPY(to, from, n) cudaMemcpyAsync(to, from, n, cudaMemcpyDeviceToDevice)
