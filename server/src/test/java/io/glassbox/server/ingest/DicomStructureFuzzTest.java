package io.glassbox.server.ingest;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Fuzzes the structure check, the gate before an object is acknowledged (docs/fuzzing.md). Rule: for any bytes it
 * either refuses with {@link DicomStructure.MalformedException} or accepts, nothing else escapes; and what it
 * accepts PixelMed reads without error, as ingest then does (but for PixelMed's limit on implausibly long
 * non-bulk values, below). Regression inputs:
 * {@code src/test/resources/io/glassbox/server/ingest/DicomStructureFuzzTestInputs/}.
 */
public class DicomStructureFuzzTest {

    @FuzzTest
    void structureCheck(byte[] data) throws Exception {
        fuzzerTestOneInput(data);
    }

    /** The property, also the entry point of the standalone driver in server/fuzz.sh. */
    public static void fuzzerTestOneInput(byte[] data) throws Exception {
        try {
            DicomStructure.check(new ByteArrayInputStream(data), data.length);
        } catch (DicomStructure.MalformedException refused) {
            return;
        }
        AttributeList list = new AttributeList();
        list.setDecompressPixelData(false);
        try (DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(data))) {
            list.read(in, (l, tag, offset) -> l == list && tag.equals(TagFromName.PixelData));
        } catch (IOException | DicomException e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            if (message.startsWith("Unlikely fixed VL") || message.startsWith("Illegal fixed VL")) {
                // PixelMed's plausibility limits on a value's length (a 512 KiB Specific Character Set; a length it
                // cannot allocate), reached directly or after a stale File Meta Information Group Length made it
                // read from another offset (docs/fuzzing.md). Ingest reads the header with PixelMed right after
                // the check, so it refuses these too (0xC000): never an acknowledgement.
                return;
            }
            throw new AssertionError("the structure check accepted what PixelMed cannot read: " + e, e);
        }
    }
}
