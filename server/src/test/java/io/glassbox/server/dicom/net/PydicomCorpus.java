package io.glassbox.server.dicom.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The python3-pydicom test corpus, listed by pydicom itself (its own reader knows its own odd files best):
 * every Part 10 file with pixel data and SOP class/instance UIDs, i.e. everything a C-STORE SCU could send.
 */
final class PydicomCorpus {

    static final Path DIRECTORY = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");

    /** One corpus file and what its file meta information says. */
    record CorpusFile(Path path, String transferSyntaxUid, String sopClassUid, String sopInstanceUid) {
        String name() {
            return path.getFileName().toString();
        }

        /** The file's bytes after its preamble and file meta information: what a C-STORE carries. */
        byte[] dataSet() throws IOException {
            byte[] file = Files.readAllBytes(path);
            return Arrays.copyOfRange(file, dataSetOffset(file), file.length);
        }
    }

    private static final String LIST_SCRIPT = """
            import glob, sys, pydicom
            for p in sorted(glob.glob(sys.argv[1] + '/*.dcm')):
                try:
                    ds = pydicom.dcmread(p)
                    ts = str(ds.file_meta.get('TransferSyntaxUID', ''))
                    if 'PixelData' in ds and ts and ds.get('SOPClassUID') and ds.get('SOPInstanceUID'):
                        print('\\t'.join([p, ts, str(ds.SOPClassUID), str(ds.SOPInstanceUID)]))
                except Exception:
                    pass
            """;

    private PydicomCorpus() {
    }

    static List<CorpusFile> filesWithPixelData() {
        Dcmtk.Result listing = Dcmtk.run(Duration.ofSeconds(60),
                List.of("/usr/bin/python3", "-W", "ignore", "-c", LIST_SCRIPT, DIRECTORY.toString()));
        assertEquals(0, listing.exitCode(), "listing the pydicom corpus (apt-get install python3-pydicom): " + listing);
        List<CorpusFile> files = new ArrayList<>();
        for (String line : listing.output().split("\n")) {
            String[] fields = line.split("\t");
            if (fields.length == 4) {
                files.add(new CorpusFile(Path.of(fields[0]), fields[1], fields[2], fields[3]));
            }
        }
        return files;
    }

    /** Where the data set starts: after the 128-byte preamble, "DICM" and the group 0002 elements (explicit VR LE). */
    static int dataSetOffset(byte[] file) {
        if (file.length < 132 || file[128] != 'D' || file[129] != 'I' || file[130] != 'C' || file[131] != 'M') {
            throw new IllegalArgumentException("not a Part 10 file");
        }
        int position = 132;
        while (position + 8 <= file.length && (file[position] & 0xFF | (file[position + 1] & 0xFF) << 8) == 0x0002) {
            String vr = new String(file, position + 4, 2, java.nio.charset.StandardCharsets.US_ASCII);
            if (List.of("OB", "OW", "OF", "SQ", "UT", "UN", "UC", "UR").contains(vr)) {
                long length = (file[position + 8] & 0xFFL) | (file[position + 9] & 0xFFL) << 8
                        | (file[position + 10] & 0xFFL) << 16 | (file[position + 11] & 0xFFL) << 24;
                position += 12 + (int) length;
            } else {
                int length = (file[position + 6] & 0xFF) | (file[position + 7] & 0xFF) << 8;
                position += 8 + length;
            }
        }
        return position;
    }
}
