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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Stores the result objects through the same door as every received object ({@link IngestService}, as
 * {@link IncomingObject.Via#RESULT}): write-once store, index row, durable before success. Callers store the
 * report last ({@link ResultWriter.ResultObjects#inStorageOrder}), so a report is never stored that points at an
 * object that is not.
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
    public record StoredObject(Kind kind, String sopClassUid, String sopInstanceUid, String seriesInstanceUid,
            IngestOutcome.Result result) {

        /** Whether an earlier attempt had stored it (with other bytes, or the same), so it was kept. */
        public boolean keptFromEarlierAttempt() {
            return result == IngestOutcome.Result.ALREADY_STORED;
        }
    }

    /** The stored objects of one analysis, in storage order, all in {@code studyInstanceUid}. */
    public record StoredResult(String studyInstanceUid, List<StoredObject> all) {

        public StoredResult {
            all = List.copyOf(all);
        }

        public List<StoredObject> ofKind(Kind kind) {
            return all.stream().filter(o -> o.kind() == kind).toList();
        }
    }

    /** An object could not be stored; those before it in storage order were, those after it were not tried. */
    public static class ResultStorageException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient IngestOutcome outcome;

        ResultStorageException(String what, IngestOutcome outcome) {
            super("could not store the " + what + " " + outcome.sopInstanceUid() + ": " + outcome.result() + " ("
                    + outcome.errorComment() + ")");
            this.outcome = outcome;
        }

        public IngestOutcome outcome() {
            return outcome;
        }

        /** Whether trying again later may succeed (disk or database trouble), as opposed to a refused object. */
        public boolean retryable() {
            return outcome.result() == IngestOutcome.Result.FAILED;
        }
    }

    /** Writes the objects of an analysis of one image ({@link ResultWriter#write}) and stores them. */
    public StoredResult store(AnalysisResult result, OverlayStyle style) throws ResultStorageException {
        return store(ResultWriter.write(result, style));
    }

    /** Stores the objects in storage order; stops at the first that cannot be stored. */
    public StoredResult store(ResultObjects objects) throws ResultStorageException {
        List<StoredObject> stored = new ArrayList<>();
        for (Map.Entry<Kind, AttributeList> object : objects.inStorageOrder()) {
            stored.add(store(object.getKey(), object.getValue()));
        }
        String study = Attribute.getSingleStringValueOrEmptyString(objects.structuredReport(),
                TagFromName.StudyInstanceUID);
        return new StoredResult(study, stored);
    }

    /** Stores one result object, durably, or says why not. */
    public StoredObject store(Kind kind, AttributeList object) throws ResultStorageException {
        byte[] part10 = ResultWriter.part10(object);
        IngestOutcome outcome = ingest.ingest(new IncomingObject(IncomingObject.Via.RESULT, "", null, null, null,
                new ByteArrayInputStream(part10)));
        // CONFLICT: an object of this analysis is stored under the UID already, with other bytes (an earlier
        // attempt's timings): the write-once store keeps it, and for this result it counts as stored.
        boolean kept = outcome.result() == IngestOutcome.Result.CONFLICT;
        if (!outcome.success() && !kept) {
            throw new ResultStorageException(kind.displayName(), outcome);
        }
        return new StoredObject(kind, outcome.sopClassUid(), outcome.sopInstanceUid(), outcome.seriesInstanceUid(),
                kept ? IngestOutcome.Result.ALREADY_STORED : outcome.result());
    }
}
