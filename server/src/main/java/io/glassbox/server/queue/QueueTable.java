package io.glassbox.server.queue;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which table a {@link LeasedQueue} works on and what its states are called there. Every queue table has the
 * columns {@code state}, {@code attempts}, {@code next_attempt_at}, {@code lease_owner}, {@code lease_token},
 * {@code lease_expires_at}, {@code last_error} and {@code updated_at} besides its own; the id column and the
 * state names are the table's. Built step by step, each step named, so that no state lands in another's place:
 *
 * <pre>{@code
 * QueueTable.named("job", "pk").waiting("queued", "failed").leased("running").retrying("failed")
 *         .done("succeeded").dead("dead").maxAttemptsColumn("max_attempts").build()
 * }</pre>
 *
 * Names are written into SQL as they are, so they must be plain lower-case identifiers (checked).
 */
public final class QueueTable {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");

    private final String name;
    private final String idColumn;
    private final List<String> waiting;
    private final String leased;
    private final String retrying;
    private final String done;
    private final String dead;
    private final String maxAttemptsColumn;
    private final String finishedColumn;
    private final String eligible;

    private QueueTable(Builder b) {
        this.name = b.name;
        this.idColumn = b.idColumn;
        this.waiting = b.waiting;
        this.leased = b.leased;
        this.retrying = b.retrying;
        this.done = b.done;
        this.dead = b.dead;
        this.maxAttemptsColumn = b.maxAttemptsColumn;
        this.finishedColumn = b.finishedColumn;
        this.eligible = b.eligible;
    }

    /** The table and its primary key column; the states are named on the builder. */
    public static Builder named(String table, String idColumn) {
        return new Builder(identifier(table), identifier(idColumn));
    }

    /** This table with another {@link Builder#eligible} condition (e.g. a test's own rows only). */
    public QueueTable eligibleOnly(String condition) {
        Builder b = new Builder(name, idColumn).waiting(waiting.toArray(String[]::new)).leased(leased)
                .retrying(retrying).done(done).dead(dead).eligible(condition);
        b.maxAttemptsColumn = maxAttemptsColumn;
        b.finishedColumn = finishedColumn;
        return b.build();
    }

    /** Names the states one by one; {@link #build()} checks that all are there. */
    public static final class Builder {
        private final String name;
        private final String idColumn;
        private List<String> waiting = List.of();
        private String leased;
        private String retrying;
        private String done;
        private String dead;
        private String maxAttemptsColumn;
        private String finishedColumn;
        private String eligible = "true";

        private Builder(String name, String idColumn) {
            this.name = name;
            this.idColumn = idColumn;
        }

        /** The states an item waits for its attempt in (claimed once its next_attempt_at has come). */
        public Builder waiting(String... states) {
            waiting = List.of(states);
            waiting.forEach(QueueTable::identifier);
            return this;
        }

        /** The state of an item under a lease (an attempt under way). */
        public Builder leased(String state) {
            leased = identifier(state);
            return this;
        }

        /** The state a failed attempt leaves an item in when attempts remain (one of the waiting states). */
        public Builder retrying(String state) {
            retrying = identifier(state);
            return this;
        }

        /** The state of an item whose attempt succeeded. */
        public Builder done(String state) {
            done = identifier(state);
            return this;
        }

        /** The state of an item out of attempts (the dead letters). */
        public Builder dead(String state) {
            dead = identifier(state);
            return this;
        }

        /**
         * The column holding each item's own number of attempts (fixed when it was queued); without one, the
         * {@link RetryPolicy}'s number applies to every item.
         */
        public Builder maxAttemptsColumn(String column) {
            maxAttemptsColumn = identifier(column);
            return this;
        }

        /** The column set to the time an item's attempts ended (done or dead), and cleared when it is retried. */
        public Builder finishedColumn(String column) {
            finishedColumn = identifier(column);
            return this;
        }

        /**
         * Only rows meeting this SQL condition are claimed or given back (e.g. items of enabled destinations);
         * a queue's own constant, never user input.
         */
        public Builder eligible(String condition) {
            eligible = condition;
            return this;
        }

        public QueueTable build() {
            if (waiting.isEmpty() || leased == null || retrying == null || done == null || dead == null) {
                throw new IllegalStateException("queue table " + name + ": the waiting, leased, retrying, done and"
                        + " dead states must all be named");
            }
            if (!waiting.contains(retrying)) {
                throw new IllegalStateException("queue table " + name + ": the retrying state '" + retrying
                        + "' must be one of the waiting states " + waiting);
            }
            return new QueueTable(this);
        }
    }

    public String name() {
        return name;
    }

    public String idColumn() {
        return idColumn;
    }

    public String leased() {
        return leased;
    }

    public String retrying() {
        return retrying;
    }

    public String done() {
        return done;
    }

    public String dead() {
        return dead;
    }

    public Optional<String> maxAttemptsColumn() {
        return Optional.ofNullable(maxAttemptsColumn);
    }

    public Optional<String> finishedColumn() {
        return Optional.ofNullable(finishedColumn);
    }

    String eligible() {
        return eligible;
    }

    /** {@code 'a', 'b'}: the waiting states as an SQL list. */
    String waitingList() {
        return waiting.stream().map(s -> "'" + s + "'").collect(Collectors.joining(", "));
    }

    private static String identifier(String name) {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain SQL identifier: " + name);
        }
        return name;
    }

    @Override
    public String toString() {
        return "queue table " + name;
    }
}
