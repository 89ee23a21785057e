package io.glassbox.server.index;

/** A search the index cannot run as asked (unknown attribute, malformed value): the client's error, said in words. */
public class InvalidQueryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidQueryException(String message) {
        super(message);
    }
}
