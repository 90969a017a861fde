package ncd.cuda;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * The CPU stand-in for a GPU: the program's generated source, unchanged, compiled by g++ with {@code emu.h} (CUDA's
 * built-ins for one block after another, a synchronising kernel's phases one after another) and
 * {@code emu_main.cpp} (the allocation, driven over pipes). It runs every kernel and copy of the launch plan, so the
 * tests check the generated CUDA against the interpreter on machines without a GPU. Slow: for checking, not for use.
 */
final class EmulatedDevice implements Device {
    private final Process process;
    private final OutputStream to;
    private final DataInputStream from;

    EmulatedDevice(CudaProgram program) {
        Path exe = Compilers.emulator(CudaGen.resource("emu.h"), program.source() + "\n" + CudaGen.resource("emu_main.cpp"));
        try {
            process = new ProcessBuilder(exe.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new CudaDeviceException("cannot start the CPU emulation " + exe + ": " + e.getMessage(), e);
        }
        to = new java.io.BufferedOutputStream(process.getOutputStream(), 1 << 16);
        from = new DataInputStream(new java.io.BufferedInputStream(process.getInputStream(), 1 << 16));
    }

    @Override public void write(long offset, byte[] bytes) {
        send('W', offset, bytes.length, bytes);
        ack();
    }

    @Override public byte[] read(long offset, int n) {
        send('R', offset, n, null);
        byte[] out = new byte[n];
        try {
            from.readFully(out);
        } catch (IOException e) {
            throw died(e);
        }
        return out;
    }

    @Override public void run(Phase phase, long step) {
        switch (phase) {
            case HOIST -> send('H', -1, -1, null);
            case RESET -> send('Z', -1, -1, null);
            case STEP -> {
                ByteBuffer b = ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN);
                b.put((byte) 'S').putLong(step);
                raw(b.array());
            }
        }
        ack();
    }

    @Override public String describe() { return "CPU emulation"; }

    @Override public void close() {
        try {
            to.write('Q');
            to.flush();
        } catch (IOException ignored) {
            // it is gone already
        }
        process.destroy();
    }

    private void send(char c, long offset, long n, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(offset < 0 ? 1 : 17).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) c);
        if (offset >= 0) b.putLong(offset).putLong(n);
        raw(b.array());
        if (payload != null) raw(payload);
    }

    private void raw(byte[] b) {
        try {
            to.write(b);
            to.flush();
        } catch (IOException e) {
            throw died(e);
        }
    }

    private void ack() {
        try {
            int k = from.read();
            if (k != 'k') throw died(null);
        } catch (IOException e) {
            throw died(e);
        }
    }

    private CudaDeviceException died(IOException e) {
        String how;
        try {
            how = process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS) ? "exit " + process.exitValue() : "no answer";
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            how = "interrupted";
        }
        return new CudaDeviceException("internal error in the cuda backend: the CPU emulation of the generated code died (" + how + ")", e);
    }

}
