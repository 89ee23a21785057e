package io.glassbox.server.worklist;

import java.util.List;

/**
 * One study in the worklist. {@code imageCount} and {@code modalities} leave out the series Glassbox wrote itself
 * (Secondary Captures, Parametric Maps, Structured Reports of its analyses).
 */
public record WorklistItem(String studyInstanceUid, String patientName, String patientId, String studyDate,
                           String studyTime, String accessionNumber, List<String> modalities, String description,
                           int imageCount, AiSummary ai) {
}
