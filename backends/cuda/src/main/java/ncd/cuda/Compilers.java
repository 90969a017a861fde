package ncd.cuda;

import ncd.runtime.AtomicFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The external compilers the cuda backend runs as subprocesses: {@code nvcc} for the GPU (cubins, one per compute
 * capability) and {@code g++} for the CPU emulation. Their outputs are cached on disk under
 * {@code $NCD_CUDA_CACHE} (default {@code ~/.cache/ncd/cuda}) by the SHA-256 of the source, the compiler's identity
 * ({@code --version}) and the flags, so a circuit compiled once starts in milliseconds; entries are written
 * atomically, so a killed compile never leaves a corrupt one.
 */
public final class Compilers {
    private Compilers() {}

    /** Longest a compile may take. */
    static final long TIMEOUT_S = 300;

    /** {@code nvcc}: {@code $NCD_NVCC}, else on the PATH, else {@code /usr/local/cuda/bin/nvcc}. */
    public static Optional<Path> nvcc() {
        return find("NCD_NVCC", "nvcc", Path.of("/usr/local/cuda/bin/nvcc"));
    }

    /** {@code g++}, for the CPU emulation. */
    public static Optional<Path> gxx() {
        return find("NCD_CXX", "g++", Path.of("/usr/bin/g++"));
    }

    private static Optional<Path> find(String env, String name, Path fallback) {
        String e = System.getenv(env);
        if (e != null && !e.isBlank()) return Optional.of(Path.of(e)).filter(Files::isExecutable);
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (dir.isEmpty()) continue;
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) return Optional.of(p);
            }
        }
        return Files.isExecutable(fallback) ? Optional.of(fallback) : Optional.empty();
    }

    /** The cache directory: system property {@code ncd.cuda.cache}, else {@code $NCD_CUDA_CACHE}, else ~/.cache/ncd/cuda. */
    public static Path cacheDir() {
        String p = System.getProperty("ncd.cuda.cache");
        if (p != null && !p.isBlank()) return Path.of(p);
        String e = System.getenv("NCD_CUDA_CACHE");
        return e != null && !e.isBlank() ? Path.of(e) : Path.of(System.getProperty("user.home"), ".cache", "ncd", "cuda");
    }

    /**
     * A cubin of {@code source} for {@code sm_<arch>} (e.g. 90), from the cache or compiled by nvcc. f32 arithmetic is
     * not contracted into fused multiply-adds ({@code -fmad=false}), so elementwise results are the interpreter's
     * bit for bit; the tiled products call {@code fmaf} themselves.
     */
    public static byte[] cubin(String source, int arch) {
        Path nvcc = nvcc().orElseThrow(() -> new CudaDeviceException("nvcc is not installed (set NCD_NVCC or put it on the PATH): the cuda backend compiles its kernels with it"));
        return cached(nvcc, source, "cubin", List.of("-cubin", "-O3", "-fmad=false", "-arch=sm_" + arch), ".cu");
    }

    /** A fat binary of {@code source} with code for every architecture of {@code archs}: what the compile tests check. */
    public static byte[] fatbin(String source, List<Integer> archs) {
        Path nvcc = nvcc().orElseThrow(() -> new CudaDeviceException("nvcc is not installed"));
        List<String> flags = new ArrayList<>(List.of("-fatbin", "-O3", "-fmad=false"));
        for (int a : archs) flags.add("-gencode=arch=compute_" + a + ",code=sm_" + a);
        return cached(nvcc, source, "fatbin", flags, ".cu");
    }

    /** The flags of the CPU emulation's compiles (no contraction into FMAs, as on the GPU with -fmad=false). */
    private static final List<String> EMU_FLAGS = List.of("-std=c++17", "-O1", "-ffp-contract=off", "-fno-fast-math", "-w");

    /**
     * An executable running {@code body} (generated source and emu_main.cpp) on the CPU, with emu.h included through a
     * precompiled header kept in the cache: parsing the C++ headers emu.h needs takes most of a compile.
     */
    static Path emulator(String emuHeader, String body) {
        Path gxx = gxx().orElseThrow(() -> new CudaDeviceException("g++ is not installed: the CPU emulation of generated CUDA needs it"));
        Path header = precompiled(gxx, emuHeader);
        List<String> flags = new ArrayList<>(EMU_FLAGS);
        flags.add("-include");
        flags.add(header.toString());
        cached(gxx, body, "emu", flags, ".cpp");
        Path exe = entry(gxx, body, "emu", flags);
        exe.toFile().setExecutable(true);
        return exe;
    }

    /**
     * emu.h beside its precompiled form, in a directory of the cache named by their hash (made whole in a temporary
     * directory, then renamed). g++ falls back to the header's text if the precompiled form does not fit.
     */
    private static Path precompiled(Path gxx, String emuHeader) {
        Path dir = entry(gxx, emuHeader, "emu-pch", EMU_FLAGS);
        Path header = dir.resolve("emu.h");
        if (Files.isRegularFile(dir.resolve("emu.h.gch"))) return header;
        try {
            Files.createDirectories(dir.getParent());
            Path tmp = Files.createTempDirectory(dir.getParent(), "pch");
            Files.writeString(tmp.resolve("emu.h"), emuHeader, StandardCharsets.UTF_8);
            List<String> cmd = new ArrayList<>(List.of(gxx.toString()));
            cmd.addAll(EMU_FLAGS);
            cmd.addAll(List.of("-x", "c++-header", tmp.resolve("emu.h").toString(), "-o", tmp.resolve("emu.h.gch").toString()));
            run(cmd, tmp);
            Files.deleteIfExists(tmp.resolve("log"));
            try {
                Files.move(tmp, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                // another process made it first: theirs is as good
                try (var s = Files.walk(tmp)) {
                    s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            return header;
        } catch (IOException e) {
            throw new CudaDeviceException("cannot precompile the CPU emulation's header: " + e.getMessage(), e);
        }
    }

    /** The cache file of one compile (it may not exist yet). */
    static Path entry(Path compiler, String source, String kind, List<String> flags) {
        String key = sha256(source + "\0" + kind + "\0" + String.join(" ", flags) + "\0" + version(compiler));
        return cacheDir().resolve(kind + "-" + key.substring(0, 32));
    }

    /** The output of compiling {@code source} with {@code flags}, from the cache when it is there. */
    static byte[] cached(Path compiler, String source, String kind, List<String> flags, String suffix) {
        Path out = entry(compiler, source, kind, flags);
        try {
            if (Files.isRegularFile(out)) return Files.readAllBytes(out);
            Path dir = Files.createTempDirectory("ncd-cuda");
            try {
                Path src = dir.resolve("kernels" + suffix), obj = dir.resolve("out");
                Files.writeString(src, source, StandardCharsets.UTF_8);
                List<String> cmd = new ArrayList<>();
                cmd.add(compiler.toString());
                cmd.addAll(flags);
                cmd.add(src.toString());
                cmd.add("-o");
                cmd.add(obj.toString());
                run(cmd, dir);
                byte[] bytes = Files.readAllBytes(obj);
                AtomicFile.write(out, o -> o.write(bytes));
                if (kind.equals("emu")) out.toFile().setExecutable(true);
                return bytes;
            } finally {
                try (var s = Files.walk(dir)) {
                    s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        } catch (IOException e) {
            throw new CudaDeviceException("cannot compile the generated CUDA with " + compiler + ": " + e.getMessage(), e);
        }
    }

    private static void run(List<String> cmd, Path dir) throws IOException {
        Path log = dir.resolve("log");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new CudaDeviceException(cmd.get(0) + " took longer than " + TIMEOUT_S + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CudaDeviceException("interrupted while compiling", e);
        }
        if (p.exitValue() != 0) {
            String out = Files.readString(log);
            throw new CudaDeviceException("internal error in the cuda backend: " + Path.of(cmd.get(0)).getFileName() + " refused the generated code (exit "
                    + p.exitValue() + "):\n" + (out.length() > 4000 ? out.substring(0, 4000) + "\n..." : out), null, true);
        }
    }

    private static final java.util.Map<Path, String> VERSIONS = new java.util.concurrent.ConcurrentHashMap<>();

    /** The compiler's {@code --version} output: part of every cache key, so a new compiler never reads old entries. */
    static String version(Path compiler) {
        return VERSIONS.computeIfAbsent(compiler, c -> {
            try {
                Process p = new ProcessBuilder(c.toString(), "--version").redirectErrorStream(true).start();
                byte[] out = p.getInputStream().readAllBytes();
                p.waitFor(30, TimeUnit.SECONDS);
                return new String(out, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return c.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return c.toString();
            }
        });
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
