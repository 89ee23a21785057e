package io.glassbox.server.forward;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import io.glassbox.server.dicom.net.pdu.Abort;
import io.glassbox.server.dicom.net.pdu.AssociateRequest;
import io.glassbox.server.dicom.net.assoc.Association;
import io.glassbox.server.dicom.net.assoc.AssociationRejectedException;
import io.glassbox.server.dicom.net.assoc.AssociationRequestor;
import io.glassbox.server.dicom.net.assoc.Command;
import io.glassbox.server.dicom.net.pdu.DicomProtocolException;
import io.glassbox.server.dicom.net.assoc.DimseMessage;
import io.glassbox.server.dicom.net.service.DimseStatus;
import io.glassbox.server.dicom.net.assoc.PresentationContext;
import io.glassbox.server.dicom.net.pdu.PresentationContextProposal;
import io.glassbox.server.dicom.net.pdu.PresentationContextResult;
import io.glassbox.server.dicom.net.assoc.TransferSyntaxes;
import io.glassbox.server.dicom.net.pdu.UserInformation;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * A C-STORE SCU on Glassbox's own association layer: sends stored Part 10 files to one peer over one association,
 * each data set as it is stored (its bytes from the file, in its stored transfer syntax).
 *
 * <p>Each (SOP class, stored transfer syntax) gets a presentation context proposing the stored transfer syntax
 * alone; for an uncompressed one a second context proposes explicit and implicit VR little endian as a fallback,
 * used only when the peer refuses the first, and the data set is then re-encoded by PixelMed. Compressed data is
 * never decompressed to suit a peer: the peer that does not take it as stored gets a clear failure.
 */
public final class StoreScu {

    private static final Logger LOG = Logger.getLogger(StoreScu.class);
    /** Implementation Class UID of Glassbox's requesting side (the same root as the project's UIDs). */
    static final String IMPLEMENTATION_CLASS_UID = "1.2.826.0.1.3680043.9.7433.1.1";
    static final String IMPLEMENTATION_VERSION_NAME = "GLASSBOX_FWD";
    /** Largest P-DATA-TF we accept from the peer (its responses are small). */
    private static final int RECEIVE_MAX_PDU_LENGTH = 65536;
    private static final Set<String> UNCOMPRESSED = Set.of(TransferSyntaxes.IMPLICIT_VR_LITTLE_ENDIAN,
            TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN, TransferSyntaxes.EXPLICIT_VR_BIG_ENDIAN);

    /** One stored object to send. */
    public record StoredObject(String sopClassUid, String sopInstanceUid, String transferSyntaxUid, Path file,
                               long datasetOffset) {
    }

    /**
     * What became of one object.
     *
     * @param delivered    the peer answered success or a warning
     * @param error        why not, in words (null when delivered)
     * @param dimseStatus  the peer's C-STORE response status, null when it sent none
     * @param errorComment the peer's Error Comment, null when it sent none
     */
    public record Outcome(boolean delivered, String error, Integer dimseStatus, String errorComment) {
        static Outcome failed(String error) {
            return new Outcome(false, error, null, null);
        }
    }

    private final String callingAeTitle;
    private final Duration timeout;

    /** @param timeout connect timeout and the longest wait for each of the peer's answers */
    public StoreScu(String callingAeTitle, Duration timeout) {
        this.callingAeTitle = callingAeTitle;
        this.timeout = timeout;
    }

    /**
     * Sends the objects over one association; never throws for a peer's failure: each object's outcome says what
     * happened (all the same when the association could not be established or broke).
     */
    public List<Outcome> send(String host, int port, String calledAeTitle, List<StoredObject> objects) {
        List<Outcome> outcomes = new ArrayList<>(objects.size());
        Map<String, int[]> contextIds = new LinkedHashMap<>(); // sopClass|ts -> {as stored, fallback or 0}
        List<PresentationContextProposal> proposals = new ArrayList<>();
        int nextId = 1;
        for (StoredObject o : objects) {
            String key = o.sopClassUid() + "|" + o.transferSyntaxUid();
            if (!contextIds.containsKey(key)) {
                if (nextId > 255) {
                    throw new IllegalArgumentException("more distinct SOP classes and transfer syntaxes than one "
                            + "association can propose; send fewer objects at once");
                }
                int asStored = nextId;
                proposals.add(new PresentationContextProposal(asStored, o.sopClassUid(), List.of(o.transferSyntaxUid())));
                nextId += 2;
                int fallback = 0;
                if (UNCOMPRESSED.contains(o.transferSyntaxUid())) {
                    fallback = nextId;
                    List<String> alternatives = new ArrayList<>(List.of(TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN,
                            TransferSyntaxes.IMPLICIT_VR_LITTLE_ENDIAN));
                    alternatives.remove(o.transferSyntaxUid());
                    proposals.add(new PresentationContextProposal(fallback, o.sopClassUid(), alternatives));
                    nextId += 2;
                }
                contextIds.put(key, new int[] {asStored, fallback});
            }
        }
        AssociateRequest request = new AssociateRequest(1, calledAeTitle, callingAeTitle,
                AssociateRequest.DICOM_APPLICATION_CONTEXT, proposals,
                new UserInformation(RECEIVE_MAX_PDU_LENGTH, IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME,
                        null, List.of()));
        Association association;
        try {
            association = AssociationRequestor.open(new InetSocketAddress(host, port), request, timeout);
        } catch (AssociationRejectedException e) {
            return all(objects, "association rejected by " + calledAeTitle + "@" + host + ":" + port + ": "
                    + e.getMessage());
        } catch (IOException e) {
            return all(objects, "cannot associate with " + calledAeTitle + "@" + host + ":" + port + ": " + describe(e));
        }
        int messageId = 0;
        try {
            for (StoredObject o : objects) {
                int[] ids = contextIds.get(o.sopClassUid() + "|" + o.transferSyntaxUid());
                PresentationContext context = association.presentationContext(ids[0]);
                if (context == null && ids[1] != 0) {
                    context = association.presentationContext(ids[1]);
                }
                if (context == null) {
                    outcomes.add(Outcome.failed(calledAeTitle + " accepted no presentation context for SOP class "
                            + o.sopClassUid() + " in transfer syntax " + o.transferSyntaxUid() + " ("
                            + refusalReason(association, ids[0]) + ")"));
                    continue;
                }
                outcomes.add(store(association, context, ++messageId, o));
            }
            association.release();
        } catch (IOException e) {
            association.abort(new Abort(Abort.SOURCE_SERVICE_USER, 0));
            String error = "association with " + calledAeTitle + " failed: " + describe(e);
            while (outcomes.size() < objects.size()) {
                outcomes.add(Outcome.failed(error));
            }
            // a release that failed after every object was answered loses nothing: their outcomes stand
        }
        return outcomes;
    }

    private Outcome store(Association association, PresentationContext context, int messageId, StoredObject o)
            throws IOException {
        Command request = Command.storeRequest(messageId, o.sopClassUid(), o.sopInstanceUid(), Command.PRIORITY_MEDIUM);
        if (context.transferSyntax().equals(o.transferSyntaxUid())) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(o.file()), 65536)) {
                in.skipNBytes(o.datasetOffset());
                association.send(context, request, in);
            }
        } else {
            byte[] reencoded;
            try {
                reencoded = reencode(o.file(), context.transferSyntax());
            } catch (DicomException | IOException e) {
                return Outcome.failed("cannot re-encode " + o.sopInstanceUid() + " in " + context.transferSyntax()
                        + ": " + e.getMessage());
            }
            LOG.debugf("%s: sending %s re-encoded from %s to %s", association, o.sopInstanceUid(),
                    o.transferSyntaxUid(), context.transferSyntax());
            association.send(context, request, new java.io.ByteArrayInputStream(reencoded));
        }
        DimseMessage response = association.readMessage();
        if (response == null) {
            throw new IOException("the peer released the association instead of answering C-STORE");
        }
        Command answer = response.command();
        if (answer.commandField() != Command.C_STORE_RSP || answer.messageIdBeingRespondedTo() != messageId) {
            throw new DicomProtocolException(Abort.REASON_UNEXPECTED_PDU_PARAMETER,
                    "expected the C-STORE-RSP to message " + messageId + ", got " + answer);
        }
        int status = answer.status();
        String comment = answer.errorComment();
        if (DimseStatus.isFailure(status)) {
            return new Outcome(false, String.format("%s refused the object: C-STORE status 0x%04X%s",
                    association.remoteAeTitle(), status, comment == null ? "" : " (" + comment + ")"), status, comment);
        }
        return new Outcome(true, null, status, comment);
    }

    /** The data set re-encoded in another uncompressed transfer syntax (pixel data stays as it is). */
    static byte[] reencode(Path file, String transferSyntaxUid) throws IOException, DicomException {
        AttributeList list = new AttributeList();
        list.read(file.toFile());
        list.removeMetaInformationHeaderAttributes();
        list.removeGroupLengthAttributes();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        list.write(out, transferSyntaxUid, false, true);
        return out.toByteArray();
    }

    private static String refusalReason(Association association, int contextId) {
        for (PresentationContextResult result : association.accept().presentationContexts()) {
            if (result.id() == contextId) {
                return PresentationContextResult.describe(result.result());
            }
        }
        return "not answered";
    }

    private static List<Outcome> all(List<StoredObject> objects, String error) {
        List<Outcome> outcomes = new ArrayList<>(objects.size());
        for (int i = 0; i < objects.size(); i++) {
            outcomes.add(Outcome.failed(error));
        }
        return outcomes;
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
