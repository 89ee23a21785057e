package io.glassbox.server.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/** Real DICOM files for tests: the test corpus that Debian's python3-pydicom ships. */
public final class TestCorpus {
    public static final Path PYDICOM = PydicomCorpus.DIRECTORY;

    /**
     * Files pydicom lists with pixel data that Glassbox refuses on purpose (tested with the malformed files):
     * MR_truncated.dcm ends inside its pixel data; SC_rgb_jpeg.dcm's meta says explicit VR while its data set is
     * implicit VR with inconsistent lengths (dcmtk and PixelMed cannot read it either).
     */
    public static final Set<String> REFUSED = Set.of("MR_truncated.dcm", "SC_rgb_jpeg.dcm");

    /** Every Part 10 file of the corpus with pixel data (as pydicom lists them), less {@link #REFUSED}. */
    public static List<String> withPixelData() {
        return PydicomCorpus.filesWithPixelData().stream().map(PydicomCorpus.CorpusFile::name)
                .filter(name -> !REFUSED.contains(name)).toList();
    }

    private TestCorpus() {}

    public static Path file(String name) {
        return PYDICOM.resolve(name);
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(Path file) throws IOException {
        return sha256(Files.readAllBytes(file));
    }
}
