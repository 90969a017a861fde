package ncd.tests;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * std.memory's Hopfield network and dense associative memory, through examples/memory.ncd, against the numpy
 * references of the gallery's own circuits of the same shapes (tests/fixtures/gallery/hopfield.npz and dense_am.npz,
 * from benchmarks/peers/gallery.py): the same recalled states, update counts and retrieved patterns on the
 * interpreter and the JVM backend.
 */
class MemoryTest {
    @Test void hopfieldRecallsAsNumpy(@TempDir Path dir) throws Exception {
        GalleryTest.matches(Repo.root().resolve("examples/memory.ncd"), "Recall", GalleryTest.fixtures().resolve("hopfield.npz"), dir);
    }

    @Test void denseAssociativeMemoryRetrievesAsNumpy(@TempDir Path dir) throws Exception {
        GalleryTest.matches(Repo.root().resolve("examples/memory.ncd"), "Retrieve", GalleryTest.fixtures().resolve("dense_am.npz"), dir);
    }
}
