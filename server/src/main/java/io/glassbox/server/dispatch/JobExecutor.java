package io.glassbox.server.dispatch;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Runs one claimed job. Implementations are CDI beans; the worker picks the one whose {@link #handles} accepts the
 * job's plugin. The plugin executor (plugin module) is one; {@link ChecksumExecutor} is a diagnostic one.
 *
 * <p>An executor must be safe to run again on the same job: a worker that crashes after the work but before
 * recording success leaves the job to be claimed again. Results that outlive the job (stored DICOM objects) must
 * therefore be keyed by the job's idempotency key, not created anew on every attempt.
 */
public interface JobExecutor {

    boolean handles(String pluginId, String pluginVersion);

    /**
     * Does the work; returns what is recorded as the job's result. Throws {@link PermanentFailure} when retrying
     * cannot help (the job goes dead at once); any other exception is a failed attempt, retried with backoff.
     */
    JsonNode execute(ClaimedJob job, Progress progress) throws Exception;

    /** Reports progress; returns false when the worker lost the job's lease and should stop early. */
    interface Progress {
        boolean report(int done, int total, String message);
    }

    /** A failure that another attempt would repeat (undecodable input, unknown plugin, bad parameters). */
    class PermanentFailure extends Exception {
        private static final long serialVersionUID = 1L;

        public PermanentFailure(String message) {
            super(message);
        }
    }
}
