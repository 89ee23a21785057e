package io.glassbox.server.results;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import io.glassbox.server.ingest.IncomingObject;
import io.glassbox.server.ingest.IngestOutcome;
import io.glassbox.server.ingest.IngestService;
import io.glassbox.server.results.ResultUids.Kind;
import io.glassbox.server.results.ResultWriter.ResultObjects;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stores the result objects through the same door as every received object ({@link IngestService}, as
 * {@link IncomingObject.Via#RESULT}): write-once store, index row, durable before success, in the order
 * {@link ResultWriter} wrote them: the Parametric Map and the Secondary Capture first and the report last, so a
 * report is never stored that points at an object that is not.
 *
 * <p>Retries: the objects' UIDs come from the analysis id, so an attempt that is run again (its worker crashed
 * part way) writes the same UIDs. An object already stored under its UID is kept as the earlier attempt stored it:
 * the write-once store answers the new copy with CONFLICT, which counts here as already stored (first write wins;
 * it may differ from the new one in its timings, and in the score's last digits where the engine is not
 * bit-for-bit deterministic). A retry thus completes what is missing and never adds copies or a second series.
 */
@ApplicationScoped
public class ResultStorer {

    private final IngestService ingest;

    public ResultStorer(IngestService ingest) {
        this.ingest = ingest;
    }

    /** One stored object. */
    public record StoredObject(String sopClassUid, String sopInstanceUid, String seriesInstanceUid,
            IngestOutcome.Result result) {}

    /** The stored objects of one result by kind, in storage order, all in {@code studyInstanceUid}. */
    public record StoredResult(String studyInstanceUid, Map<Kind, StoredObject> byKind) {

        public StoredResult {
            byKind = Collections.unmodifiableMap(new LinkedHashMap<>(byKind));
        }

        public StoredObject parametricMap() {
            return byKind.get(Kind.PARAMETRIC_MAP);
        }

        public StoredObject secondaryCapture() {
            return byKind.get(Kind.SECONDARY_CAPTURE);
        }

        public StoredObject structuredReport() {
            return byKind.get(Kind.STRUCTURED_REPORT);
        }

        /** In storage order. */
        public List<StoredObject> all() {
            return List.copyOf(byKind.values());
        }
    }

    /** An object could not be stored; those before it in storage order were, those after it were not tried. */
    public static class ResultStorageException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient IngestOutcome outcome;
        private final transient List<StoredObject> storedBefore;

        ResultStorageException(String what, IngestOutcome outcome, List<StoredObject> storedBefore) {
            super("could not store the " + what + " " + outcome.sopInstanceUid() + ": " + outcome.result() + " ("
                    + outcome.errorComment() + ")");
            this.outcome = outcome;
            this.storedBefore = List.copyOf(storedBefore);
        }

        public IngestOutcome outcome() {
            return outcome;
        }

        public List<StoredObject> storedBefore() {
            return storedBefore;
        }

        /** Whether trying again later may succeed (disk or database trouble), as opposed to a refused object. */
        public boolean retryable() {
            return outcome.result() == IngestOutcome.Result.FAILED;
        }
    }

    /** Writes the result's objects ({@link ResultWriter}) and stores them. */
    public StoredResult store(AnalysisResult result, OverlayStyle style) throws ResultStorageException {
        return store(ResultWriter.write(result, style));
    }

    public StoredResult store(ResultObjects objects) throws ResultStorageException {
        Map<Kind, StoredObject> stored = new LinkedHashMap<>();
        for (Map.Entry<Kind, AttributeList> object : objects.byKind().entrySet()) {
            byte[] part10 = ResultWriter.part10(object.getValue());
            IngestOutcome outcome = ingest.ingest(new IncomingObject(IncomingObject.Via.RESULT, "", null, null, null,
                    new ByteArrayInputStream(part10)));
            // CONFLICT: an object of this analysis is stored under the UID already, with other bytes (an earlier
            // attempt's timings): the write-once store keeps it, and for this result it counts as stored.
            boolean kept = outcome.result() == IngestOutcome.Result.CONFLICT;
            if (!outcome.success() && !kept) {
                throw new ResultStorageException(object.getKey().displayName(), outcome,
                        List.copyOf(stored.values()));
            }
            stored.put(object.getKey(), new StoredObject(outcome.sopClassUid(), outcome.sopInstanceUid(), outcome.seriesInstanceUid(),
                    kept ? IngestOutcome.Result.ALREADY_STORED : outcome.result()));
        }
        String study = Attribute.getSingleStringValueOrEmptyString(objects.structuredReport(),
                TagFromName.StudyInstanceUID);
        return new StoredResult(study, stored);
    }
}
