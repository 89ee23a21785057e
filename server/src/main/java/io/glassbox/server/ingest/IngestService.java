package io.glassbox.server.ingest;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The one path by which an object enters Glassbox (C-STORE, STOW-RS and, later, AI results):
 * stream to a temporary file while hashing, fsync, parse the header, rename into place, commit the index row.
 * Success is returned only once both the file and its index row are durable.
 */
@ApplicationScoped
public class IngestService {

    /** Never throws for bad input or a failed disk/database: the outcome says what happened. */
    public IngestOutcome ingest(IncomingObject incoming) {
        throw new UnsupportedOperationException("being written");
    }
}
