package io.glassbox.server.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.glassbox.server.testing.Part10;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The python3-pydicom test corpus, listed by pydicom itself (its own reader knows its own odd files best):
 * every Part 10 file with pixel data and SOP class/instance UIDs, in any folder and by any name (the DICOMDIR
 * test folders hold some without extension), i.e. everything a C-STORE SCU could send.
 */
public final class PydicomCorpus {

    public static final Path DIRECTORY = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");

    /** One corpus file and what its file meta information says. */
    public record CorpusFile(Path path, String transferSyntaxUid, String sopClassUid, String sopInstanceUid) {
        public String name() {
            return DIRECTORY.relativize(path).toString();
        }

        /** The file's bytes after its preamble and file meta information: what a C-STORE carries. */
        public byte[] dataSet() throws IOException {
            return Part10.dataSet(path);
        }
    }

    private static final String LIST_SCRIPT = """
            import glob, os, sys, pydicom
            for p in sorted(glob.glob(sys.argv[1] + '/**/*', recursive=True)):
                if not os.path.isfile(p):
                    continue
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

    private static List<CorpusFile> listed;

    /** Listed once per JVM (one pydicom run). */
    public static synchronized List<CorpusFile> filesWithPixelData() {
        if (listed == null) {
            listed = List.copyOf(list());
        }
        return listed;
    }

    private static List<CorpusFile> list() {
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
}
