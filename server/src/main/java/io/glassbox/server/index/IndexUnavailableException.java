package io.glassbox.server.index;

/** The index could not be read (database down, connection lost): the server's trouble, not the client's. */
public class IndexUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IndexUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
