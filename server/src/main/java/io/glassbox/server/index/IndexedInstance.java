package io.glassbox.server.index;

/**
 * Everything the index keeps about one stored instance, as extracted at ingest, grouped by the row or concern it
 * belongs to so that no call site passes dozens of values by position. Text attributes are never null ("" when
 * absent); integers are null when absent or unparseable.
 */
public record IndexedInstance(Patient patient, Study study, Series series, Instance instance, Storage storage,
        Provenance provenance) {

    /** The patient row (matched on ID and issuer). */
    public record Patient(String id, String issuerOfId, String name, String birthDate, String sex) {}

    /** The study row. */
    public record Study(String instanceUid, String date, String time, String accessionNumber,
            String referringPhysicianName, String description, String id) {}

    /** The series row. */
    public record Series(String instanceUid, String modality, Integer number, String description,
            String bodyPartExamined, String date, String time, String performedProcedureStepStartDate,
            String performedProcedureStepStartTime, String institutionName, String stationName) {}

    /** The instance's own attributes, and its header as DICOM JSON (bulk data by reference). */
    public record Instance(String sopInstanceUid, String sopClassUid, Integer number, Integer rows, Integer columns,
            Integer numberOfFrames, String metadataJson) {}

    /**
     * The stored file: where it is, how large, its digests (of the whole file, and of the data set from
     * {@code datasetOffset} on, which is the object's identity for the write-once rule), its transfer syntax and
     * where its top-level Pixel Data value starts (null when it has none).
     */
    public record Storage(String path, long sizeBytes, String sha256, String dataSetSha256, String transferSyntaxUid,
            long datasetOffset, Long pixelDataOffset, Long pixelDataLength) {}

    /** How it arrived: the door ({@code DIMSE}, {@code STOW}, {@code RESULT}) and the calling AE title ("" if none). */
    public record Provenance(String receivedVia, String callingAeTitle) {}
}
