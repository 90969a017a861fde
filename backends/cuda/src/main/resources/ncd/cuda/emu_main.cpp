// The emulated device: a process holding the allocation, driven over stdin/stdout by ncd.cuda.EmulatedDevice.
// Commands (little-endian): 'W' u64 offset, u64 n, n bytes: write; 'R' u64 offset, u64 n: read n bytes back;
// 'H': ncd_hoist; 'Z': ncd_reset; 'S' i64 step: ncd_step; 'Q': quit. Every command but 'R' answers one byte 'k'.
#include <cstdio>
#include <cstdlib>
static bool ncd_read(void* p, size_t n) { return std::fread(p, 1, n, stdin) == n; }
int main() {
    char* base = (char*)std::calloc(ncd_total_bytes + 1, 1);
    if (!base) { std::fprintf(stderr, "emulated device: cannot allocate %llu bytes\n", ncd_total_bytes); return 2; }
    for (;;) {
        int c = std::fgetc(stdin);
        if (c == EOF || c == 'Q') return 0;
        unsigned long long off, n;
        long long step;
        switch (c) {
            case 'W':
                if (!ncd_read(&off, 8) || !ncd_read(&n, 8) || !ncd_read(base + off, n)) return 3;
                break;
            case 'R':
                if (!ncd_read(&off, 8) || !ncd_read(&n, 8)) return 3;
                std::fwrite(base + off, 1, n, stdout);
                std::fflush(stdout);
                continue;
            case 'H': ncd_hoist(base, -1); break;
            case 'Z': ncd_reset(base, -1); break;
            case 'S':
                if (!ncd_read(&step, 8)) return 3;
                ncd_step(base, step);
                break;
            default:
                std::fprintf(stderr, "emulated device: unknown command %d\n", c);
                return 4;
        }
        std::fputc('k', stdout);
        std::fflush(stdout);
    }
}
