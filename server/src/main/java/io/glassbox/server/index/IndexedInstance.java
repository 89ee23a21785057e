package io.glassbox.server.index;

/**
 * Everything the index keeps about one stored instance, as extracted at ingest. Text attributes are never null
 * ("" when absent); integers are null when absent or unparseable.
 */
public record IndexedInstance(
        // patient
        String patientId, String issuerOfPatientId, String patientName, String patientBirthDate, String patientSex,
        // study
        String studyInstanceUid, String studyDate, String studyTime, String accessionNumber,
        String referringPhysicianName, String studyDescription, String studyId,
        // series
        String seriesInstanceUid, String modality, Integer seriesNumber, String seriesDescription,
        String bodyPartExamined, String seriesDate, String seriesTime, String performedProcedureStepStartDate,
        String performedProcedureStepStartTime, String institutionName, String stationName,
        // instance
        String sopInstanceUid, String sopClassUid, Integer instanceNumber, Integer rows, Integer columns,
        Integer numberOfFrames, String transferSyntaxUid, long sizeBytes, String sha256, String storagePath,
        long datasetOffset, Long pixelDataOffset, Long pixelDataLength, String metadataJson, String receivedVia,
        String callingAeTitle, String dataSetSha256) {}
