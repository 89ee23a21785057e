package io.glassbox.plugin.api;

/**
 * One class the model scores.
 *
 * @param id stable identifier used in results and records ({@code lesion})
 * @param displayName what a reader sees
 * @param finding whether a prediction of this class is a finding to report (a "no lesion" class is not)
 * @param concept what the class means as a code; required for a finding class (the host's Structured Report
 *     codes the finding with it), optional otherwise
 */
public record OutputClass(String id, String displayName, boolean finding, Concept concept) {

    /** A class without a code: only for classes that are not findings. */
    public OutputClass(String id, String displayName, boolean finding) {
        this(id, displayName, finding, null);
    }
}
