package io.glassbox.server.results;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import io.glassbox.server.ingest.IncomingObject;
import io.glassbox.server.ingest.IngestOutcome;
import io.glassbox.server.ingest.IngestService;
import io.glassbox.server.results.ResultStorer.StoredObject;
import io.glassbox.server.results.ResultUids.Kind;
import io.glassbox.server.results.ResultStorer.StoredResult;
import io.glassbox.server.results.ResultWriter.ResultObjects;
import io.glassbox.server.testing.IndexFixture;
import io.glassbox.server.testing.TestCorpus;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Results are stored like any received instance: through the ingest service into the real store and the real
 * PostgreSQL index, filed in the analysed image's study, each in its own series, byte for byte as written.
 */
@QuarkusTest
class ResultStorerTest {

    @Inject
    ResultStorer storer;

    @Inject
    IngestService ingest;

    @Inject
    IndexFixture index;

    @BeforeEach
    void clean() throws Exception {
        index.clear();
    }

    @Test
    void resultsAreIndexedInTheSourceStudyEachInItsOwnSeries() throws Exception {
        byte[] sourceFile = Files.readAllBytes(TestCorpus.file("CT_small.dcm"));
        IngestOutcome source = ingest.ingest(new IncomingObject(IncomingObject.Via.STOW, "", null, null, null,
                new ByteArrayInputStream(sourceFile)));
        assertTrue(source.success(), source::toString);

        AnalysisResult r = Results.of("CT_small.dcm");
        ResultObjects objects = ResultWriter.write(r, OverlayStyle.window(40, 400));
        StoredResult stored = storer.store(objects);

        assertEquals(source.studyInstanceUid(), stored.studyInstanceUid());
        assertEquals(1, index.count("SELECT count(*) FROM study"));
        assertEquals(4, index.count("SELECT count(*) FROM series s JOIN study st ON st.pk = s.study_fk "
                + "WHERE st.study_instance_uid = ?", source.studyInstanceUid()), "source series + three result series");
        String[] modalities = {"CT", "OT", "SR"};
        StoredObject[] all = stored.all().toArray(StoredObject[]::new);
        AttributeList[] written = ResultWriterTest.inStorageOrder(objects);
        assertEquals(3, all.length);
        for (int i = 0; i < all.length; i++) {
            StoredObject o = all[i];
            assertEquals(IngestOutcome.Result.STORED, o.result());
            assertEquals(1, index.count("SELECT count(*) FROM instance i JOIN series s ON s.pk = i.series_fk "
                    + "WHERE s.series_instance_uid = ?", o.seriesInstanceUid()), "alone in its series: " + o);
            assertEquals("RESULT", index.string("SELECT received_via FROM instance WHERE sop_instance_uid = ?",
                    o.sopInstanceUid()));
            assertEquals(modalities[i], index.string("SELECT s.modality FROM series s JOIN instance i "
                    + "ON i.series_fk = s.pk WHERE i.sop_instance_uid = ?", o.sopInstanceUid()));
            assertTrue(index.string("SELECT s.series_description FROM series s JOIN instance i ON i.series_fk = s.pk "
                    + "WHERE i.sop_instance_uid = ?", o.sopInstanceUid()).startsWith("AI-generated"));
            String path = index.string("SELECT storage_path FROM instance WHERE sop_instance_uid = ?",
                    o.sopInstanceUid());
            assertArrayEquals(ResultWriter.part10(written[i]), Files.readAllBytes(index.dataDir().resolve(path)),
                    "the stored file is not the object as written");
        }
        assertEquals(r.sourceString(TagFromName.SeriesInstanceUID), source.seriesInstanceUid());
        assertFalse(stored.all().stream().anyMatch(o -> o.seriesInstanceUid().equals(source.seriesInstanceUid())));

        // A retried job stores the same objects again: nothing new, success.
        StoredResult again = storer.store(ResultWriter.write(r, OverlayStyle.window(40, 400)));
        assertTrue(again.all().stream().allMatch(o -> o.result() == IngestOutcome.Result.ALREADY_STORED),
                again::toString);
        assertEquals(4, index.count("SELECT count(*) FROM instance"));
        assertEquals(0, index.filesUnder("incoming"), "temporary files left behind");
    }

    @Test
    void aRetryKeepsWhatAnEarlierAttemptStoredAndCompletesTheRest() throws Exception {
        AttributeList source = Results.read("MR_small.dcm");
        UUID analysis = UUID.randomUUID();
        // The first attempt stored the map and the capture, then its worker died before the report.
        ResultObjects first = ResultWriter.write(Results.of(source, analysis, 0.87, Results.WEIGHTS_SHA256),
                OverlayStyle.DEFAULT);
        for (AttributeList object : new AttributeList[] {ResultWriterTest.map(first),
            first.secondaryCaptures().get(0)}) {
            assertTrue(ingest.ingest(new IncomingObject(IncomingObject.Via.RESULT, "", null, null, null,
                    new ByteArrayInputStream(ResultWriter.part10(object)))).success());
        }
        String mapUid = Attribute.getSingleStringValueOrEmptyString(ResultWriterTest.map(first),
                TagFromName.SOPInstanceUID);
        String mapPath = index.string("SELECT storage_path FROM instance WHERE sop_instance_uid = ?", mapUid);
        byte[] storedMap = Files.readAllBytes(index.dataDir().resolve(mapPath));

        // The retry computes the result again (here with another score, as different timings would differ): the
        // objects already stored are kept as they are, the report is added, nothing is duplicated.
        StoredResult retried = storer.store(Results.of(source, analysis, 0.40, Results.WEIGHTS_SHA256),
                OverlayStyle.DEFAULT);
        StoredObject map = retried.ofKind(Kind.PARAMETRIC_MAP).get(0);
        assertEquals(IngestOutcome.Result.ALREADY_STORED, map.result());
        assertEquals(IngestOutcome.Result.ALREADY_STORED, retried.ofKind(Kind.SECONDARY_CAPTURE).get(0).result());
        assertEquals(IngestOutcome.Result.STORED, retried.ofKind(Kind.STRUCTURED_REPORT).get(0).result());
        assertEquals(mapUid, map.sopInstanceUid());
        assertArrayEquals(storedMap, Files.readAllBytes(index.dataDir().resolve(mapPath)));
        assertEquals(3, index.count("SELECT count(*) FROM instance"));
        assertEquals(3, index.count("SELECT count(*) FROM series"), "the three result series, once each");
        assertEquals(Attribute.getSingleStringValueOrEmptyString(source, TagFromName.StudyInstanceUID),
                retried.studyInstanceUid());
    }
}
