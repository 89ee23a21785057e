package io.glassbox.server.dicom.net.assoc;

import io.glassbox.server.dicom.net.pdu.Pdv;
import java.io.IOException;
import java.io.InputStream;

/**
 * The data set of one DIMSE message, streamed from the association fragment by fragment as it arrives: only
 * the current P-DATA-TF is ever held in memory, whatever the object's size.
 *
 * <p>{@code read} returns -1 only once the last fragment has been consumed: end of stream means the whole data
 * set arrived. If the association fails first (peer abort, connection lost, idle timeout, protocol error), every
 * read throws; the data set is then incomplete and must not be kept.
 *
 * <p>{@link #close()} does not discard the rest: the association drains whatever a consumer left before it
 * reads or sends anything else, so a consumer may stop reading at any point.
 */
public final class DataSetInputStream extends InputStream {

    private final Association association;
    private final int contextId;
    private byte[] buffer;
    private int position;
    private int limit;
    private boolean lastFragmentSeen;
    private boolean complete;
    private long bytesRead;
    private IOException failure;

    DataSetInputStream(Association association, int contextId) {
        this.association = association;
        this.contextId = contextId;
    }

    @Override
    public int read() throws IOException {
        if (!ensureAvailable()) {
            return -1;
        }
        bytesRead++;
        return buffer[position++] & 0xFF;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, into.length);
        if (length == 0) {
            return 0;
        }
        if (!ensureAvailable()) {
            return -1;
        }
        int n = Math.min(length, limit - position);
        System.arraycopy(buffer, position, into, offset, n);
        position += n;
        bytesRead += n;
        return n;
    }

    @Override
    public int available() {
        return limit - position;
    }

    /** Reads and discards the rest of the data set. @return the number of bytes discarded */
    public long drain() throws IOException {
        long discarded = 0;
        while (ensureAvailable()) {
            discarded += limit - position;
            bytesRead += limit - position;
            position = limit;
        }
        return discarded;
    }

    /** Whether the last fragment has been read: the data set arrived whole. */
    public boolean complete() {
        return complete;
    }

    /** Data set bytes delivered or drained so far. */
    public long bytesRead() {
        return bytesRead;
    }

    /** The failure of the association that cut this data set short, or null. */
    public IOException failure() {
        return failure;
    }

    public int contextId() {
        return contextId;
    }

    @Override
    public void close() {
        // the association drains what is left; the connection is not ours to close
    }

    /** @return false at the end of the data set */
    private boolean ensureAvailable() throws IOException {
        if (failure != null) {
            throw failure;
        }
        while (position == limit) {
            if (lastFragmentSeen) {
                complete = true;
                return false;
            }
            try {
                Pdv fragment = association.nextDataFragment(contextId);
                buffer = fragment.buffer();
                position = fragment.offset();
                limit = fragment.offset() + fragment.length();
                lastFragmentSeen = fragment.last();
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }
        return true;
    }
}
