// ncd CUDA prelude: the scalar semantics of docs/semantics.md (Scalars.java, Rng.java) as device functions, so a
// generated kernel computes what the reference interpreter computes. Also compiles as plain C++ (emu.h), which is
// how the tests run generated kernels on machines without a GPU.
#include <stdint.h>
#include <math.h>
#ifndef NCD_HD
#define NCD_HD __host__ __device__ __forceinline__
#endif

// Kernels that synchronise a block are written in phases: code every thread of the block runs alike (uniform), and
// per-thread code inside NCD_THREADS { ... }, with NCD_SYNC between phases. On a GPU NCD_THREADS is nothing (each
// thread runs the block) and NCD_SYNC is __syncthreads(); emu.h makes NCD_THREADS a loop over the block's threads,
// so the CPU runs a block's phases one after another without threads. A per-thread value that lives across phases
// is NCD_PER_THREAD and read as NCD_MINE(name).
#ifndef NCD_THREADS
#define NCD_THREADS
#define NCD_SYNC __syncthreads();
#define NCD_MINE(v) v
#define NCD_PER_THREAD(T, name, dims) T name dims
#endif

// Java's (int) of a double: NaN -> 0, saturating.
NCD_HD int ncd_jint(double v) {
    if (v != v) return 0;
    if (v >= 2147483647.0) return 2147483647;
    if (v <= -2147483648.0) return (int)(-2147483647 - 1);
    return (int)v;
}
// Rounding to i32 (Scalars.toI32): integral values wrap around, others truncate and saturate.
NCD_HD int ncd_to_i32(double v) {
    if (v == rint(v) && fabs(v) < 4.0e18) return (int)(uint32_t)(uint64_t)(int64_t)v;
    return ncd_jint(v);
}
NCD_HD int ncd_iadd(int x, int y) { return (int)((uint32_t)x + (uint32_t)y); }
NCD_HD int ncd_isub(int x, int y) { return (int)((uint32_t)x - (uint32_t)y); }
NCD_HD int ncd_imul(int x, int y) { return (int)((uint32_t)x * (uint32_t)y); }
NCD_HD int ncd_ineg(int x) { return (int)(0u - (uint32_t)x); }
NCD_HD int ncd_iabs(int x) { return x < 0 ? ncd_ineg(x) : x; }
NCD_HD int ncd_idiv(int x, int y) { return y == 0 ? 0 : y == -1 ? ncd_ineg(x) : x / y; }
NCD_HD int ncd_imod(int x, int y) {
    if (y == 0 || y == -1) return 0;
    int r = x % y;
    return (r != 0 && ((r ^ y) < 0)) ? r + y : r;
}
NCD_HD int ncd_isign(int x) { return (x > 0) - (x < 0); }
// Math.max / Math.min with Scalars' NaN rule: a NaN operand gives NaN; max(-0, +0) is +0.
NCD_HD double ncd_max(double x, double y) {
    if (x != x || y != y) return NAN;
    if (x == 0 && y == 0) return signbit(x) ? y : x;
    return x >= y ? x : y;
}
NCD_HD double ncd_min(double x, double y) {
    if (x != x || y != y) return NAN;
    if (x == 0 && y == 0) return signbit(y) ? y : x;
    return x <= y ? x : y;
}
NCD_HD float ncd_maxf(float x, float y) {
    if (x != x || y != y) return NAN;
    if (x == 0 && y == 0) return signbit(x) ? y : x;
    return x >= y ? x : y;
}
NCD_HD float ncd_minf(float x, float y) {
    if (x != x || y != y) return NAN;
    if (x == 0 && y == 0) return signbit(y) ? y : x;
    return x <= y ? x : y;
}
NCD_HD double ncd_sign(double x) { return x != x || x == 0 ? x : (x > 0 ? 1.0 : -1.0); }
NCD_HD float ncd_signf(float x) { return x != x || x == 0 ? x : (x > 0 ? 1.0f : -1.0f); }
// Floor modulo of floats, in double (Scalars.binary MOD).
NCD_HD double ncd_fmod(double x, double y) { return x - floor(x / y) * y; }
// reduceStep of max and min: a NaN sticks; otherwise the first of equal extremes stays.
NCD_HD double ncd_rmax(double acc, double v) { return acc != acc || v != v ? NAN : v > acc ? v : acc; }
NCD_HD double ncd_rmin(double acc, double v) { return acc != acc || v != v ? NAN : v < acc ? v : acc; }
// argReplaces: the first extreme wins; a NaN counts as the extreme.
// argsort's order (ncd.runtime.ArgSort.before): NaN after every number, either direction
NCD_HD bool ncd_sorts_before(double a, double b, bool desc) { return a == a && (b != b || (desc ? a > b : a < b)); }
NCD_HD bool ncd_argmax_replaces(double best, double v) { return best == best && (v != v || v > best); }
NCD_HD bool ncd_argmin_replaces(double best, double v) { return best == best && (v != v || v < best); }

// Rng.java, bit for bit: SplitMix64's finalizer, two rounds keyed by (seed, stream), uniform from the top 53 bits.
NCD_HD uint64_t ncd_mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
NCD_HD double ncd_uniform(uint64_t seed, long long stream, long long index) {
    uint64_t key = ncd_mix64(seed * 0x9E3779B97F4A7C15ULL ^ (uint64_t)stream * 0xC2B2AE3D27D4EB4FULL);
    uint64_t bits = ncd_mix64(key + ((uint64_t)index + 1) * 0x9E3779B97F4A7C15ULL);
    return (double)(bits >> 11) * 0x1.0p-53;
}
NCD_HD double ncd_normal(uint64_t seed, long long stream, long long index) {
    double u1 = ncd_uniform(seed, stream, 2 * index);
    double u2 = ncd_uniform(seed, stream, 2 * index + 1);
    double r = sqrt(-2.0 * log(1.0 - u1));
    return r * cos(2.0 * 3.141592653589793 * u2);
}

// The error word at the start of the allocation: the first out-of-range gather (lowest gather number, then lowest
// element), as (gather << 32 | element), and the index it read. 0 when none.
struct ncd_error { unsigned long long key; int index; int pad; };
__device__ __forceinline__ void ncd_fail(char* base, int gather, int element, int index) {
    ncd_error* e = (ncd_error*)base;
    unsigned long long key = ((unsigned long long)(gather + 1) << 32) | (unsigned)element;
    unsigned long long old = atomicMin(&e->key, key);
    if (old > key) e->index = index;
}

// ---- linear algebra (LINALG): ncd.runtime.Linalg's algorithms step by step, in double, on local row-major arrays
NCD_HD double ncd_la_tiny(const double* m, int n) {
    double mx = 0;
    for (int i = 0; i < n * n; ++i) mx = fmax(mx, fabs(m[i]));
    return n * 0x1p-52 * mx;
}
NCD_HD int ncd_la_pivot(const double* m, int n, int k) {
    int p = k;
    for (int r = k + 1; r < n; ++r) if (fabs(m[r * n + k]) > fabs(m[p * n + k])) p = r;
    return p;
}
NCD_HD void ncd_la_swap(double* m, int n, int a, int b) {
    if (a == b) return;
    for (int c = 0; c < n; ++c) { double t = m[a * n + c]; m[a * n + c] = m[b * n + c]; m[b * n + c] = t; }
}
NCD_HD int ncd_la_solve(double* m, double* v, int n) {
    double tiny = ncd_la_tiny(m, n);
    for (int k = 0; k < n; ++k) {
        int p = ncd_la_pivot(m, n, k);
        if (!(fabs(m[p * n + k]) > tiny)) return 0;
        ncd_la_swap(m, n, k, p);
        double t = v[k]; v[k] = v[p]; v[p] = t;
        for (int r = k + 1; r < n; ++r) {
            double f = m[r * n + k] / m[k * n + k];
            for (int c = k + 1; c < n; ++c) m[r * n + c] -= f * m[k * n + c];
            v[r] -= f * v[k];
        }
    }
    for (int r = n - 1; r >= 0; --r) {
        double s = v[r];
        for (int c = r + 1; c < n; ++c) s -= m[r * n + c] * v[c];
        v[r] = s / m[r * n + r];
    }
    return 1;
}
NCD_HD int ncd_la_inverse(double* m, double* inv, int n) {
    double tiny = ncd_la_tiny(m, n);
    for (int i = 0; i < n * n; ++i) inv[i] = 0;
    for (int i = 0; i < n; ++i) inv[i * n + i] = 1;
    for (int k = 0; k < n; ++k) {
        int p = ncd_la_pivot(m, n, k);
        if (!(fabs(m[p * n + k]) > tiny)) return 0;
        ncd_la_swap(m, n, k, p);
        ncd_la_swap(inv, n, k, p);
        double d = m[k * n + k];
        for (int c = 0; c < n; ++c) { m[k * n + c] /= d; inv[k * n + c] /= d; }
        for (int r = 0; r < n; ++r) {
            if (r == k) continue;
            double f = m[r * n + k];
            for (int c = 0; c < n; ++c) { m[r * n + c] -= f * m[k * n + c]; inv[r * n + c] -= f * inv[k * n + c]; }
        }
    }
    return 1;
}
NCD_HD int ncd_la_cholesky(double* m, int n) {
    for (int r = 0; r < n; ++r) {
        for (int c = 0; c <= r; ++c) {
            double s = m[r * n + c];
            for (int k = 0; k < c; ++k) s -= m[r * n + k] * m[c * n + k];
            if (r == c) {
                if (!(s > 0)) return 0;
                m[r * n + r] = sqrt(s);
            } else {
                m[r * n + c] = s / m[c * n + c];
            }
        }
        for (int c = r + 1; c < n; ++c) m[r * n + c] = 0;
    }
    return 1;
}
NCD_HD double ncd_la_frobenius(const double* m, int n) {
    double s = 0;
    for (int i = 0; i < n * n; ++i) s += m[i] * m[i];
    return sqrt(s);
}
NCD_HD void ncd_la_eigh(double* m, double* vecs, double* vals, int n) {
    for (int r = 0; r < n; ++r) for (int c = r + 1; c < n; ++c) m[r * n + c] = m[c * n + r];
    for (int i = 0; i < n * n; ++i) vecs[i] = 0;
    for (int i = 0; i < n; ++i) vecs[i * n + i] = 1;
    double floor_ = 0x1p-60 * ncd_la_frobenius(m, n);
    for (int sweep = 0; sweep < 100; ++sweep) {
        int rotated = 0;
        for (int p = 0; p < n; ++p) {
            for (int q = p + 1; q < n; ++q) {
                double apq = m[p * n + q], app = m[p * n + p], aqq = m[q * n + q];
                if (!(fabs(apq) > floor_) || fabs(apq) <= 0x1p-52 * sqrt(fabs(app * aqq))) {
                    m[p * n + q] = 0; m[q * n + p] = 0;
                    continue;
                }
                rotated = 1;
                double theta = (aqq - app) / (2 * apq);
                double t = (theta >= 0 ? 1 : -1) / (fabs(theta) + sqrt(theta * theta + 1));
                double c = 1 / sqrt(t * t + 1), s = t * c;
                for (int k = 0; k < n; ++k) {
                    double mkp = m[k * n + p], mkq = m[k * n + q];
                    m[k * n + p] = c * mkp - s * mkq; m[k * n + q] = s * mkp + c * mkq;
                }
                for (int k = 0; k < n; ++k) {
                    double mpk = m[p * n + k], mqk = m[q * n + k];
                    m[p * n + k] = c * mpk - s * mqk; m[q * n + k] = s * mpk + c * mqk;
                }
                m[p * n + q] = 0; m[q * n + p] = 0;
                for (int k = 0; k < n; ++k) {
                    double vkp = vecs[k * n + p], vkq = vecs[k * n + q];
                    vecs[k * n + p] = c * vkp - s * vkq; vecs[k * n + q] = s * vkp + c * vkq;
                }
            }
        }
        if (!rotated) break;
    }
    for (int k = 0; k < n; ++k) vals[k] = m[k * n + k];
    for (int i = 0; i < n; ++i) {
        int best = i;
        for (int k = i + 1; k < n; ++k) if (vals[k] < vals[best]) best = k;
        if (best != i) {
            double t = vals[i]; vals[i] = vals[best]; vals[best] = t;
            for (int r = 0; r < n; ++r) { double u = vecs[r * n + i]; vecs[r * n + i] = vecs[r * n + best]; vecs[r * n + best] = u; }
        }
    }
    for (int k = 0; k < n; ++k) {
        int big = 0;
        for (int r = 1; r < n; ++r) if (fabs(vecs[r * n + k]) > fabs(vecs[big * n + k])) big = r;
        if (vecs[big * n + k] < 0) for (int r = 0; r < n; ++r) vecs[r * n + k] = -vecs[r * n + k];
    }
}
NCD_HD double ncd_la_spectral_norm(double* m, double* w, double* vals, double* g, int n) {
    for (int r = 0; r < n; ++r) {
        for (int c = 0; c <= r; ++c) {
            double s = 0;
            for (int k = 0; k < n; ++k) s += m[k * n + r] * m[k * n + c];
            g[r * n + c] = s;
        }
    }
    ncd_la_eigh(g, w, vals, n);
    return sqrt(fmax(0.0, vals[n - 1]));
}
NCD_HD double ncd_la_spectral_radius(double* m, double* w, int n) {
    double norm = ncd_la_frobenius(m, n);
    if (norm == 0) return 0;
    if (!isfinite(norm)) return NAN;
    for (int i = 0; i < n * n; ++i) m[i] /= norm;
    double lg = log(norm), scale = 0.5;
    for (int t = 0; t < 64; ++t) {
        for (int r = 0; r < n; ++r) {
            for (int c = 0; c < n; ++c) {
                double s = 0;
                for (int k = 0; k < n; ++k) s += m[r * n + k] * m[k * n + c];
                w[r * n + c] = s;
            }
        }
        double f = ncd_la_frobenius(w, n);
        if (f == 0) return 0;
        lg += log(f) * scale;
        scale *= 0.5;
        for (int i = 0; i < n * n; ++i) m[i] = w[i] / f;
    }
    return exp(lg);
}
