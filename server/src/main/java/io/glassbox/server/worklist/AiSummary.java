package io.glassbox.server.worklist;

/**
 * What the AI did with a study, as the worklist shows it.
 *
 * <p>The status is derived from the study's current jobs: the latest job of each plugin for each series (a newer
 * analysis of the same inputs supersedes an older one). Among them the most urgent state wins:
 * {@code running > queued > failed > done}, and {@code none} when the study has no job. A job whose attempt failed
 * and which waits for its retry counts as {@code queued} (with the failure as its reason); a job that failed for
 * good (dead) is {@code failed}.
 *
 * @param status     none, queued, running, done or failed
 * @param progress   the running job's progress, null unless running
 * @param reason     why the deciding job failed (or why its retry is pending), else null
 * @param jobs       every job (analysis) of the study, as {@code /api/studies/{study}/results} lists them
 * @param topFinding the highest-scoring finding of the current succeeded analyses, a present one before any
 *                   absent one; null when none succeeded
 */
public record AiSummary(String status, Progress progress, String reason, int jobs, TopFinding topFinding) {

    public record Progress(int done, int total, String message) {
    }

    public record TopFinding(String label, double score, Double threshold, boolean present, String pluginId,
                             String pluginVersion) {
    }
}
