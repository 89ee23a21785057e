package io.glassbox.server.index;

/**
 * The levels of the DICOM query/retrieve information model that QIDO-RS searches, from the top down.
 * Each level's row is reached in SQL through a fixed alias: {@code st} (study), {@code se} (series), {@code i}
 * (instance); a query at a level always has its own and every higher level's alias in scope.
 */
public enum QueryLevel {
    STUDY("st"),
    SERIES("se"),
    INSTANCE("i");

    private final String alias;

    QueryLevel(String alias) {
        this.alias = alias;
    }

    public String alias() {
        return alias;
    }

    /** Whether this level is {@code other} or above it (so its attributes are in scope of a query at {@code other}). */
    public boolean atOrAbove(QueryLevel other) {
        return ordinal() <= other.ordinal();
    }
}
