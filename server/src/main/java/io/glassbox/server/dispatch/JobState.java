package io.glassbox.server.dispatch;

import java.util.Locale;

/**
 * queued: waiting for a worker. running: a worker holds its lease. succeeded: done, never run again for the
 * same inputs. failed: the latest attempt failed (or its worker vanished) and a retry is due at next_attempt_at.
 * dead: out of attempts, or failed in a way retrying cannot fix; only an administrator's retry revives it.
 */
public enum JobState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, DEAD;

    public String sql() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static JobState fromSql(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
