package io.glassbox.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DateAttribute;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.PersonNameAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import io.agroal.api.AgroalDataSource;
import io.glassbox.server.dispatch.ClaimedJob;
import io.glassbox.server.dispatch.DispatchFixture;
import io.glassbox.server.dispatch.JobQueue;
import io.glassbox.server.ingest.IncomingObject;
import io.glassbox.server.ingest.IngestOutcome;
import io.glassbox.server.ingest.IngestService;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * Studies for the worklist and feedback tests: real instances (pydicom's CT_small.dcm under new identities)
 * stored through the real ingest path, and jobs taken through the real queue's transitions.
 */
@ApplicationScoped
public class WorklistFixture {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final IngestService ingest;
    private final IndexFixture index;
    private final JobQueue queue;
    private final AgroalDataSource dataSource;

    public WorklistFixture(IngestService ingest, IndexFixture index, JobQueue queue, AgroalDataSource dataSource) {
        this.ingest = ingest;
        this.index = index;
        this.queue = queue;
        this.dataSource = dataSource;
    }

    /** Empties the index, the store, the job queue and the feedback. */
    public void clear() throws Exception {
        index.clear();
        execute("TRUNCATE job, study_dispatch, feedback RESTART IDENTITY");
    }

    public void execute(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** A patient's study as the worklist shows it. */
    public record Study(String uid, String series, String patientName, String patientId, String date) {
        public Study(String patientName, String patientId, String date) {
            this(DispatchFixture.uid(), DispatchFixture.uid(), patientName, patientId, date);
        }
    }

    /** Stores one instance of the study's series (over STOW, or as Glassbox's own result when via is RESULT). */
    public String store(Study study, String modality, IncomingObject.Via via) throws Exception {
        return store(study, study.series(), modality, via);
    }

    public String store(Study study, String series, String modality, IncomingObject.Via via) throws Exception {
        String sop = DispatchFixture.uid();
        AttributeList list = DispatchFixture.instance(study.uid(), series, sop, modality, "Axial");
        put(list, new PersonNameAttribute(TagFromName.PatientName), study.patientName());
        put(list, new LongStringAttribute(TagFromName.PatientID), study.patientId());
        put(list, new DateAttribute(TagFromName.StudyDate), study.date());
        FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, "TEST");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        list.write(out, TransferSyntax.ExplicitVRLittleEndian, true, true);
        IngestOutcome outcome = ingest.ingest(new IncomingObject(via, "", null, null, null,
                new ByteArrayInputStream(out.toByteArray())));
        if (!outcome.success()) {
            throw new AssertionError("fixture ingest failed: " + outcome);
        }
        return sop;
    }

    private static void put(AttributeList list, Attribute a, String value) throws Exception {
        a.addValue(value);
        list.remove(a.getTag());
        list.put(a);
    }

    /** Queues a job of {@code plugin} over the study's series; each call with new inputs is a new job. */
    public void enqueue(Study study, String plugin) throws Exception {
        queue.enqueue(new JobQueue.NewJob(study.uid(), study.series(), "rule", plugin, "1.0", Map.of(),
                List.of(new JobQueue.InputRef(DispatchFixture.uid(), "digest"))));
    }

    /** Claims the oldest due job (the test's jobs are claimed in the order they were queued). */
    public ClaimedJob claim() throws Exception {
        return queue.claim("worklist-test").orElseThrow(() -> new AssertionError("no job to claim"));
    }

    /**
     * An analysis record as the plugin executor writes one: one image with one class's finding
     * ({@code "lesion"}), its score against a 0.5 threshold.
     */
    public static JsonNode analysis(String sopInstanceUid, String seriesUid, double score) {
        ObjectNode record = JSON.createObjectNode().put("kind", "analysis");
        ArrayNode images = record.putArray("images");
        ObjectNode image = images.addObject().put("sopInstanceUid", sopInstanceUid).put("seriesInstanceUid", seriesUid)
                .put("frame", 1);
        image.putArray("results").addObject().put("classId", "lesion").put("label", "Hyperdense lesion")
                .put("score", score).put("threshold", 0.5).put("present", score >= 0.5);
        return record.put("imagesAnalysed", 1).put("imagesWithFindings", score >= 0.5 ? 1 : 0);
    }
}
