package io.glassbox.server.dicom.net.service;

import com.pixelmed.dicom.AttributeTag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A DIMSE operation failed with a failure status: what a {@link DimseService} throws instead of writing a failure
 * response itself, so that {@link DimseServiceRegistry} writes every failure response in one place.
 *
 * <p>It carries what PS3.7 C.4 lets a failure response say besides its status: an Error Comment (0000,0902) and
 * the Offending Element(s) (0000,0901). It is a failure of the operation only; a failure of the association itself
 * (abort, lost connection) is an {@link IOException}, which ends the association unanswered.
 */
public final class DimseException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String errorComment;
    private final List<AttributeTag> offendingElements;

    /** @param errorComment free text; the response cuts it to the 64 characters LO allows; null for none */
    public DimseException(int status, String errorComment) {
        this(status, errorComment, List.of(), null);
    }

    /**
     * @param offendingElements the elements at fault, sent as Offending Element when not empty
     * @param cause             the exception behind the failure, for the log; never sent to the peer
     */
    public DimseException(int status, String errorComment, List<AttributeTag> offendingElements, Throwable cause) {
        super(String.format("0x%04X%s", status, errorComment == null ? "" : ": " + errorComment), cause);
        if (!DimseStatus.isFailure(status)) {
            throw new IllegalArgumentException(String.format("0x%04X is not a failure status", status));
        }
        this.status = status;
        this.errorComment = errorComment;
        this.offendingElements = List.copyOf(offendingElements);
    }

    /**
     * The one mapping of an unexpected exception of an operation to a status: an I/O failure (the association's
     * own failures never get here) is "Refused: Out of resources" (0xA700, the A7xx of C-STORE, C-FIND, C-MOVE
     * and C-GET), anything else the service's "Cannot understand" / "Unable to process" (0xC000, the Cxxx of the
     * same services), with the exception's message as Error Comment.
     *
     * @param operation what failed, for the Error Comment, e.g. "store" gives "Cannot store: ..."
     */
    public static DimseException of(RuntimeException failure, String operation) {
        if (failure instanceof UncheckedIOException) {
            return new DimseException(DimseStatus.OUT_OF_RESOURCES, "Out of resources: " + describe(failure),
                    List.of(), failure);
        }
        return new DimseException(DimseStatus.CANNOT_UNDERSTAND, "Cannot " + operation + ": " + describe(failure),
                List.of(), failure);
    }

    private static String describe(Exception e) {
        Throwable cause = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }

    public int status() {
        return status;
    }

    /** The Error Comment, or null when none. */
    public String errorComment() {
        return errorComment;
    }

    /** The Offending Element(s); empty when none. */
    public List<AttributeTag> offendingElements() {
        return offendingElements;
    }
}
