package io.glassbox.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.glassbox.server.testing.Part10;
import io.glassbox.server.testing.TestCorpus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The data set digest taken while a file streams by finds the data set where a reader of the whole file finds it
 * (test's {@link Part10}), however the stream is cut into reads: byte by byte, across the file meta, all at once.
 */
class DataSetDigestTest {

    static List<String> corpus() {
        return TestCorpus.withPixelData();
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void theDataSetIsFoundAndHashedWhateverTheReadSizes(String name) throws Exception {
        byte[] file = Files.readAllBytes(TestCorpus.file(name));
        int offset = Part10.dataSetOffset(file);
        String expected = TestCorpus.sha256(Arrays.copyOfRange(file, offset, file.length));
        for (int chunk : new int[] {1, 7, 131, 4096, file.length}) {
            DataSetDigest digest = new DataSetDigest();
            for (int i = 0; i < file.length; i += chunk) {
                digest.update(file, i, Math.min(chunk, file.length - i));
            }
            assertEquals(offset, digest.dataSetOffset(), name + " read " + chunk + " bytes at a time");
            assertEquals(expected, digest.hex(), name + " read " + chunk + " bytes at a time");
        }
    }

    @Test
    void aStreamThatIsNotPart10HasNoDataSetDigest() {
        DataSetDigest digest = new DataSetDigest();
        byte[] noPreamble = "(0008,0016) is not how a file starts".repeat(10).getBytes(StandardCharsets.US_ASCII);
        digest.update(noPreamble, 0, noPreamble.length);
        assertEquals(-1, digest.dataSetOffset());
        assertNull(digest.hex());
    }

    @Test
    void aStreamThatEndsInsideItsFileMetaHasNoDataSetDigest() throws Exception {
        byte[] file = Files.readAllBytes(TestCorpus.file("CT_small.dcm"));
        DataSetDigest digest = new DataSetDigest();
        digest.update(file, 0, Part10.dataSetOffset(file) - 10);
        assertEquals(-1, digest.dataSetOffset());
        assertNull(digest.hex());
    }
}
