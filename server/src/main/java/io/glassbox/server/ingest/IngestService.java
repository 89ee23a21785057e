package io.glassbox.server.ingest;

import static io.glassbox.server.dicom.net.service.DimseStatus.CANNOT_UNDERSTAND;
import static io.glassbox.server.dicom.net.service.DimseStatus.DATA_SET_DOES_NOT_MATCH_SOP_CLASS;
import static io.glassbox.server.dicom.net.service.DimseStatus.SOP_CLASS_NOT_SUPPORTED;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glassbox.server.dicom.net.service.StorageService;
import io.glassbox.server.index.IndexedInstance;
import io.glassbox.server.index.InstanceIndex;
import io.glassbox.server.index.InstanceIndex.StoredInstance;
import io.glassbox.server.ingest.IngestOutcome.Identity;
import io.glassbox.server.store.FileMeta;
import io.glassbox.server.store.ObjectStore;
import io.glassbox.server.store.ObjectStore.ObjectTooLargeException;
import io.glassbox.server.store.ObjectStore.TempObject;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * The one path by which an object enters Glassbox (C-STORE, STOW-RS and, later, AI results):
 * stream to a temporary file while hashing, fsync, check its structure to the last byte, parse the header with
 * PixelMed, rename into place, commit the index row. Success is returned only once both the file and its index
 * row are durable; on any failure nothing is visible and the temporary file is gone.
 *
 * <p>Same SOP Instance UID again: the same object (the same data set in the same transfer syntax, whatever file
 * meta came with it or Glassbox wrote for it) succeeds without a second copy, the stored file kept as it was;
 * anything else is refused with 0x0111 (Duplicate SOP Instance) and the stored object is kept (the store is
 * write-once, so an acknowledged object never changes under a reader or an auditor). The data set, not the file, is
 * the identity because the file meta records the door: Glassbox writes the calling AE title into a C-STORE's
 * (Source AE Title), and a STOW-RS client writes its own; a PACS that retries from its second node, or a gateway
 * that re-sends over DICOMweb, sends the same object.
 */
@ApplicationScoped
public class IngestService {
    private static final Logger LOG = Logger.getLogger(IngestService.class);

    private final ObjectStore store;
    private final InstanceIndex index;
    private final MeterRegistry metrics;
    private final ReentrantLock[] sopInstanceLocks = new ReentrantLock[256];

    public IngestService(ObjectStore store, InstanceIndex index, MeterRegistry metrics) {
        this.store = store;
        this.index = index;
        this.metrics = metrics;
        for (int i = 0; i < sopInstanceLocks.length; i++) {
            sopInstanceLocks[i] = new ReentrantLock();
        }
    }

    /** Never throws for bad input or a failed disk/database: the outcome says what happened. */
    public IngestOutcome ingest(IncomingObject incoming) {
        return ingest(incoming, null);
    }

    /**
     * As {@link #ingest(IncomingObject)}, refusing an object whose Study Instance UID is not
     * {@code requiredStudyUid} (STOW-RS to {@code /studies/{study}}) when that is not null.
     */
    public IngestOutcome ingest(IncomingObject incoming, String requiredStudyUid) {
        IngestOutcome outcome;
        TempObject temp = null;
        try {
            long start = System.nanoTime();
            temp = store.receive(prefixFor(incoming), incoming.content());
            timePhase("receive", start);
            outcome = fileAndIndex(incoming, temp, requiredStudyUid);
        } catch (IncomingObject.MalformedContentException e) {
            outcome = IngestOutcome.invalid(CANNOT_UNDERSTAND, e.getMessage(), Identity.requested(incoming));
        } catch (ObjectTooLargeException e) {
            outcome = IngestOutcome.failed(e.getMessage(), Identity.requested(incoming));
        } catch (IOException e) {
            LOG.errorf(e, "Could not store an object from %s %s", incoming.via(), incoming.callingAeTitle());
            outcome = IngestOutcome.failed("could not write to storage: " + e.getMessage(),
                    Identity.requested(incoming));
        } catch (RuntimeException e) {
            LOG.errorf(e, "Unexpected failure storing an object from %s %s", incoming.via(), incoming.callingAeTitle());
            outcome = IngestOutcome.failed("internal error: " + e, Identity.requested(incoming));
        } finally {
            if (temp != null && Files.exists(temp.path())) {
                store.deleteQuietly(temp.path());
            }
        }
        count(incoming, outcome, temp);
        return outcome;
    }

    private IngestOutcome fileAndIndex(IncomingObject in, TempObject temp, String requiredStudyUid) {
        DicomStructure.Layout layout;
        AttributeList list;
        try {
            long start = System.nanoTime();
            layout = DicomStructure.check(temp.path());
            list = readHeader(temp.path());
            timePhase("check", start);
            if (layout.datasetOffset() != temp.dataSetOffset()) {
                // Both follow one rule (the file meta ends at the first element outside group 0002); a difference
                // would make the data set digest cover the wrong bytes, so the object is not stored.
                throw new IllegalStateException("the data set starts at " + layout.datasetOffset()
                        + " but was hashed from " + temp.dataSetOffset());
            }
        } catch (DicomStructure.MalformedException e) {
            return IngestOutcome.invalid(CANNOT_UNDERSTAND, e.getMessage(), Identity.requested(in));
        } catch (IOException | DicomException | RuntimeException e) {
            return IngestOutcome.invalid(CANNOT_UNDERSTAND, "unreadable DICOM: " + e.getMessage(),
                    Identity.requested(in));
        }

        String sopClass = text(list, TagFromName.SOPClassUID);
        String sopInstance = text(list, TagFromName.SOPInstanceUID);
        String study = text(list, TagFromName.StudyInstanceUID);
        String series = text(list, TagFromName.SeriesInstanceUID);
        Identity ids = new Identity(sopClass, sopInstance, study, series);
        IngestOutcome inconsistent = checkIdentity(in, list, ids, requiredStudyUid);
        if (inconsistent != null) {
            return inconsistent;
        }

        try {
            // No look-up first: the insert itself says whether the UID is taken.
            // The file is published before its row commits, under a name that includes its content hash, so a
            // refused duplicate can never overwrite the stored object's file.
            String relativePath = store.relativePathFor(study, series, sopInstance, temp.sha256());
            IndexedInstance row = indexed(in, list, layout, temp, relativePath);
            InstanceIndex.InsertResult inserted;
            Path published;
            // One object per SOP Instance UID at a time in this process: a failed insert may then remove the file
            // it published without racing an identical object that another association is storing.
            ReentrantLock lock = sopInstanceLocks[Math.floorMod(sopInstance.hashCode(), sopInstanceLocks.length)];
            lock.lock();
            try {
                boolean fileExisted = Files.exists(store.resolve(relativePath));
                long start = System.nanoTime();
                published = store.publish(temp, relativePath);
                start = timePhase("publish", start);
                try {
                    inserted = index.insert(row);
                    timePhase("index", start);
                } catch (SQLException e) {
                    if (!fileExisted && !(e instanceof InstanceIndex.CommitOutcomeUnknownException)) {
                        store.deleteQuietly(published);
                    }
                    if ("GBX01".equals(e.getSQLState())) {
                        return IngestOutcome.invalid(CANNOT_UNDERSTAND, e.getMessage(), ids);
                    }
                    throw e;
                }
            } finally {
                lock.unlock();
            }
            if (inserted == InstanceIndex.InsertResult.INSERTED) {
                return IngestOutcome.stored(ids);
            }
            StoredInstance existing = index.find(sopInstance).orElseThrow(
                    () -> new SQLException("instance " + sopInstance + " reported indexed but not found"));
            if (!existing.storagePath().equals(relativePath)) {
                store.deleteQuietly(published); // different content: keep only the stored object's file
            }
            return existingOutcome(existing, layout, temp, ids);
        } catch (SQLException e) {
            LOG.errorf(e, "Index unavailable while storing %s", sopInstance);
            return IngestOutcome.failed("index database unavailable: " + e.getMessage(), ids);
        } catch (IOException e) {
            LOG.errorf(e, "Could not publish %s", sopInstance);
            return IngestOutcome.failed("could not write to storage: " + e.getMessage(), ids);
        }
    }

    /**
     * The answer to an object whose SOP Instance UID is stored already: success when it is the same object (same
     * transfer syntax, same data set digest), else a conflict.
     */
    private IngestOutcome existingOutcome(StoredInstance existing, DicomStructure.Layout layout, TempObject temp,
            Identity offered) throws SQLException, IOException {
        // The stored row's series: the offered object may name another one, and the stored object is the answer.
        Identity ids = new Identity(offered.sopClassUid(), existing.sopInstanceUid(), offered.studyInstanceUid(),
                existing.seriesInstanceUid());
        if (!existing.transferSyntaxUid().equals(layout.transferSyntaxUid())) {
            return IngestOutcome.conflict("this UID is stored in another transfer syntax; it is kept", ids);
        }
        if (!storedDataSetSha256(existing).equals(temp.dataSetSha256())) {
            return IngestOutcome.conflict(
                    "a different object is already stored under this SOP Instance UID; it is kept", ids);
        }
        return IngestOutcome.alreadyStored(ids);
    }

    /**
     * The stored instance's data set digest; for a row indexed before the digest was (db/migrations/V6), taken
     * from its file once and recorded.
     */
    private String storedDataSetSha256(StoredInstance existing) throws SQLException, IOException {
        if (existing.dataSetSha256() != null) {
            return existing.dataSetSha256();
        }
        String digest = store.dataSetSha256(existing.storagePath(), existing.dataSetOffset());
        index.recordDataSetSha256(existing.sopInstanceUid(), digest);
        return digest;
    }

    /** UIDs the index needs must be present, and what the request or file meta claims must match the data set. */
    private static IngestOutcome checkIdentity(IncomingObject in, AttributeList list, Identity ids,
            String requiredStudyUid) {
        String sopClass = ids.sopClassUid();
        String sopInstance = ids.sopInstanceUid();
        String study = ids.studyInstanceUid();
        String series = ids.seriesInstanceUid();
        String missing = sopClass.isEmpty() ? "SOP Class UID (0008,0016)"
                : sopInstance.isEmpty() ? "SOP Instance UID (0008,0018)"
                : study.isEmpty() ? "Study Instance UID (0020,000D)"
                : series.isEmpty() ? "Series Instance UID (0020,000E)" : null;
        if (missing != null) {
            return IngestOutcome.invalid(DATA_SET_DOES_NOT_MATCH_SOP_CLASS, "the data set has no " + missing,
                    new Identity(emptyToNull(sopClass), emptyToNull(sopInstance), emptyToNull(study),
                            emptyToNull(series)));
        }
        // The same rule as association negotiation applies to C-STORE, for both doors: STOW-RS has no negotiation,
        // so a Verification or query/retrieve "instance" would otherwise be stored and indexed as an image.
        if (!StorageService.isStorageSopClass(sopClass)) {
            return IngestOutcome.invalid(SOP_CLASS_NOT_SUPPORTED, "SOP Class " + sopClass
                    + " is not a storage SOP class; only composite objects (images, reports, ...) are stored", ids);
        }
        // The data set is the truth. A C-STORE request that names another instance than the one it carries is a
        // broken peer (its response would acknowledge the wrong UID): refused. A Part 10 file whose meta disagrees
        // with its data set is common in the wild (pydicom's rtdose.dcm): stored as received, indexed under the
        // data set's UIDs, with a warning.
        if (in.via() == IncomingObject.Via.DIMSE) {
            if (!sopClass.equals(in.sopClassUid())) {
                return IngestOutcome.invalid(DATA_SET_DOES_NOT_MATCH_SOP_CLASS,
                        "SOP Class UID of the C-STORE request (" + in.sopClassUid() + ") differs from the data set's ("
                                + sopClass + ")", ids);
            }
            if (!sopInstance.equals(in.sopInstanceUid())) {
                return IngestOutcome.invalid(CANNOT_UNDERSTAND,
                        "SOP Instance UID of the C-STORE request (" + in.sopInstanceUid()
                                + ") differs from the data set's (" + sopInstance + ")", ids);
            }
        } else {
            String metaInstance = text(list, TagFromName.MediaStorageSOPInstanceUID);
            String metaClass = text(list, TagFromName.MediaStorageSOPClassUID);
            if (!metaInstance.equals(sopInstance) || !metaClass.equals(sopClass)) {
                LOG.warnf("File meta names %s / %s but the data set is %s / %s: indexed by the data set",
                        metaClass, metaInstance, sopClass, sopInstance);
            }
        }
        if (requiredStudyUid != null && !requiredStudyUid.equals(study)) {
            return IngestOutcome.invalid(DATA_SET_DOES_NOT_MATCH_SOP_CLASS,
                    "the instance belongs to study " + study + ", not to the target study " + requiredStudyUid, ids);
        }
        return null;
    }

    /** DIMSE data sets arrive without file meta: Glassbox writes one from the request in front of the bytes. */
    private static byte[] prefixFor(IncomingObject in) throws IOException {
        if (in.via() != IncomingObject.Via.DIMSE) {
            return new byte[0];
        }
        try {
            return FileMeta.prefix(in.sopClassUid(), in.sopInstanceUid(), in.transferSyntaxUid(),
                    in.callingAeTitle());
        } catch (DicomException e) {
            throw new IOException("cannot build file meta information: " + e.getMessage(), e);
        }
    }

    /** Header only: stops before the top-level Pixel Data and never decompresses. */
    static AttributeList readHeader(Path file) throws IOException, DicomException {
        AttributeList list = new AttributeList();
        list.setDecompressPixelData(false);
        try (DicomInputStream dis = new DicomInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            list.read(dis, (l, tag, offset) -> l == list && tag.equals(TagFromName.PixelData));
        }
        return list;
    }

    private IndexedInstance indexed(IncomingObject in, AttributeList list, DicomStructure.Layout layout,
            TempObject temp, String relativePath) {
        ObjectNode json = DicomJson.of(list);
        if (layout.pixelDataLength() != null) {
            json.set(layout.pixelDataKey(), DicomJson.bulkData(layout.pixelDataVr(), layout.pixelDataKey()));
        }
        return new IndexedInstance(
                new IndexedInstance.Patient(
                        text(list, TagFromName.PatientID),
                        text(list, TagFromName.IssuerOfPatientID),
                        text(list, TagFromName.PatientName),
                        text(list, TagFromName.PatientBirthDate),
                        text(list, TagFromName.PatientSex)),
                new IndexedInstance.Study(
                        text(list, TagFromName.StudyInstanceUID),
                        text(list, TagFromName.StudyDate),
                        text(list, TagFromName.StudyTime),
                        text(list, TagFromName.AccessionNumber),
                        text(list, TagFromName.ReferringPhysicianName),
                        text(list, TagFromName.StudyDescription),
                        text(list, TagFromName.StudyID)),
                new IndexedInstance.Series(
                        text(list, TagFromName.SeriesInstanceUID),
                        text(list, TagFromName.Modality),
                        integer(list, TagFromName.SeriesNumber),
                        text(list, TagFromName.SeriesDescription),
                        text(list, TagFromName.BodyPartExamined),
                        text(list, TagFromName.SeriesDate),
                        text(list, TagFromName.SeriesTime),
                        text(list, TagFromName.PerformedProcedureStepStartDate),
                        text(list, TagFromName.PerformedProcedureStepStartTime),
                        text(list, TagFromName.InstitutionName),
                        text(list, TagFromName.StationName)),
                new IndexedInstance.Instance(
                        text(list, TagFromName.SOPInstanceUID),
                        text(list, TagFromName.SOPClassUID),
                        integer(list, TagFromName.InstanceNumber),
                        integer(list, TagFromName.Rows),
                        integer(list, TagFromName.Columns),
                        integer(list, TagFromName.NumberOfFrames),
                        json.toString()),
                new IndexedInstance.Storage(relativePath, temp.size(), temp.sha256(), temp.dataSetSha256(),
                        layout.transferSyntaxUid(), layout.datasetOffset(), layout.pixelDataOffset(),
                        layout.pixelDataLength()),
                new IndexedInstance.Provenance(in.via().name(),
                        in.callingAeTitle() == null ? "" : in.callingAeTitle()));
    }

    private static String text(AttributeList list, AttributeTag tag) {
        // The whole value, all of its values joined by backslash as in DICOM, control characters removed
        // (PostgreSQL text cannot hold NUL).
        Attribute a = list.get(tag);
        if (a == null) {
            return "";
        }
        try {
            String[] values = a.getStringValues();
            return values == null ? "" : String.join("\\", values).replace("\0", "").trim();
        } catch (DicomException e) {
            return "";
        }
    }

    private static Integer integer(AttributeList list, AttributeTag tag) {
        String s = text(list, tag);
        if (s.isEmpty()) {
            return null;
        }
        try {
            return Integer.valueOf(s.split("\\\\")[0].trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /**
     * Where an ingest's time goes, per phase (receive: streaming to disk, hashing and fsync; check: structure and
     * header; publish: rename and directory fsync; index: the insert and its commit), exported as
     * glassbox_ingest_phase_seconds. Returns the time now, for the next phase.
     */
    private long timePhase(String phase, long startNanos) {
        long now = System.nanoTime();
        metrics.timer("glassbox.ingest.phase", "phase", phase).record(now - startNanos, TimeUnit.NANOSECONDS);
        return now;
    }

    private void count(IncomingObject in, IngestOutcome outcome, TempObject temp) {
        metrics.counter("glassbox.ingest.instances", "via", in.via().name(), "result", outcome.result().name())
                .increment();
        if (temp != null) {
            metrics.counter("glassbox.ingest.bytes", "via", in.via().name()).increment(temp.size());
        }
    }
}
