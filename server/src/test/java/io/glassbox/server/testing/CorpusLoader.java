package io.glassbox.server.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import io.glassbox.server.ingest.IncomingObject;
import io.glassbox.server.ingest.IngestOutcome;
import io.glassbox.server.ingest.IngestService;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Puts real files into the server through the one ingest path, and reads what the files say, for expectations. */
@ApplicationScoped
public class CorpusLoader {
    private final IngestService ingest;

    public CorpusLoader(IngestService ingest) {
        this.ingest = ingest;
    }

    /** A stored corpus file and its header, as PixelMed reads it from the file itself. */
    public record Loaded(String name, Path path, AttributeList header) {
        public String text(AttributeTag tag) {
            return Attribute.getDelimitedStringValuesOrEmptyString(header, tag).trim();
        }

        public String studyUid() {
            return text(TagFromName.StudyInstanceUID);
        }

        public String seriesUid() {
            return text(TagFromName.SeriesInstanceUID);
        }

        public String sopInstanceUid() {
            return text(TagFromName.SOPInstanceUID);
        }
    }

    /** Ingests each corpus file (by name under the pydicom test files) and fails the test unless it is stored. */
    public List<Loaded> load(String... names) throws IOException, DicomException {
        List<Loaded> out = new ArrayList<>();
        for (String name : names) {
            out.add(load(TestCorpus.file(name), name));
        }
        return out;
    }

    public Loaded load(Path file, String name) throws IOException, DicomException {
        IngestOutcome outcome;
        try (InputStream in = Files.newInputStream(file)) {
            outcome = ingest.ingest(new IncomingObject(IncomingObject.Via.STOW, "", null, null, null, in));
        }
        assertTrue(outcome.success(), () -> name + " was not stored: " + outcome);
        return new Loaded(name, file, header(file));
    }

    public static AttributeList header(Path file) throws IOException, DicomException {
        AttributeList list = new AttributeList();
        list.setDecompressPixelData(false);
        try (DicomInputStream in = new DicomInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            list.read(in, TagFromName.PixelData);
        }
        return list;
    }
}
