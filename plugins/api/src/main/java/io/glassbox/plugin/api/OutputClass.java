package io.glassbox.plugin.api;

/**
 * One class the model scores.
 *
 * @param id stable identifier used in results and records ({@code lesion})
 * @param displayName what a reader sees
 * @param finding whether a prediction of this class is a finding to report (a "no lesion" class is not)
 */
public record OutputClass(String id, String displayName, boolean finding) {
}
