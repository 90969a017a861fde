package ncd.runtime;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * NumPy's .npz archives: a zip file whose entries {@code NAME.npy} are .npy arrays, as {@code np.savez} (stored)
 * and {@code np.savez_compressed} (deflated) write them. The array called {@code NAME} is the entry
 * {@code NAME.npy}.
 */
public final class Npz {
    private Npz() {}

    /**
     * Reads every array of {@code path}, keyed by name (the entry name without {@code .npy}) in archive order.
     * Each array's {@link NpyArray#source()} is {@code file.npz[NAME]}. Directory entries are skipped; an entry that
     * is not a {@code .npy} is an error.
     */
    public static LinkedHashMap<String, NpyArray> read(Path path) throws NpyException {
        String name = path.toString();
        LinkedHashMap<String, NpyArray> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(path.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.isDirectory()) continue;
                String entry = e.getName();
                if (!entry.endsWith(".npy")) {
                    throw new NpyException(name + ": entry " + entry + " is not a .npy array");
                }
                String key = entry.substring(0, entry.length() - 4);
                try (InputStream in = zip.getInputStream(e)) {
                    out.put(key, Npy.read(in, name + "[" + key + "]"));
                }
            }
        } catch (NoSuchFileException | FileNotFoundException e) {
            throw new NpyException(name + ": no such file");
        } catch (ZipException e) {
            throw new NpyException(name + ": not a valid .npz (zip) archive: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new NpyException(name + ": cannot read: " + e.getMessage(), e);
        }
        return out;
    }

    /** Writes {@code arrays} as an uncompressed .npz, one entry {@code NAME.npy} per array in map order. */
    public static void write(Path path, Map<String, Tensor> arrays) throws IOException {
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(path));
             ZipOutputStream zip = new ZipOutputStream(os)) {
            for (Map.Entry<String, Tensor> a : arrays.entrySet()) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                Npy.write(bytes, a.getValue());
                byte[] b = bytes.toByteArray();
                CRC32 crc = new CRC32();
                crc.update(b);
                ZipEntry e = new ZipEntry(a.getKey() + ".npy");
                e.setMethod(ZipEntry.STORED);
                e.setSize(b.length);
                e.setCompressedSize(b.length);
                e.setCrc(crc.getValue());
                zip.putNextEntry(e);
                zip.write(b);
                zip.closeEntry();
            }
        }
    }
}
