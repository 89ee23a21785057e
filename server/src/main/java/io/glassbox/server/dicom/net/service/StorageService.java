package io.glassbox.server.dicom.net.service;

import io.glassbox.server.dicom.net.assoc.Association;
import io.glassbox.server.dicom.net.assoc.Command;
import io.glassbox.server.dicom.net.assoc.DataSetInputStream;
import io.glassbox.server.dicom.net.assoc.DimseMessage;
import com.pixelmed.dicom.SOPClass;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.jboss.logging.Logger;

/**
 * C-STORE SCP (Storage Service Class, PS3.4 Annex B) for every storage SOP class, handing each data set to a
 * {@link StoreHandler} as a stream and answering the handler's status.
 *
 * <p>The handler's statuses are answered as they are. A handler exception fails that one object: it propagates to
 * {@link DimseServiceRegistry}, which answers it (0xA700 for an I/O failure, 0xC000 otherwise, with the reason as
 * Error Comment), and the association goes on with the next request. Only a failure of the association itself
 * (abort, lost connection, timeout) ends it, since then no response can be sent.
 */
public final class StorageService implements DimseService {

    private static final Logger LOG = Logger.getLogger(StorageService.class);

    private static final String STANDARD_UID_ROOT = "1.2.840.10008.";
    /** Every standard composite storage SOP class lives under this root, including those newer than PixelMed. */
    private static final String COMPOSITE_STORAGE_ROOT = "1.2.840.10008.5.1.4.1.1.";

    private final StoreHandler handler;

    public StorageService(StoreHandler handler) {
        this.handler = handler;
    }

    /**
     * Storage SOP classes: those PixelMed knows as storage, any standard UID under the composite storage root,
     * and any non-standard (private) UID, since private SOP classes are storage in practice. Other standard
     * UIDs (query/retrieve, worklist, commitment, print, ...) name services this class does not provide.
     */
    public static boolean isStorageSopClass(String sopClassUid) {
        return SOPClass.isStorage(sopClassUid) || sopClassUid.startsWith(COMPOSITE_STORAGE_ROOT)
                || !sopClassUid.startsWith(STANDARD_UID_ROOT);
    }

    @Override
    public int commandField() {
        return Command.C_STORE_RQ;
    }

    @Override
    public boolean servesSopClass(String sopClassUid) {
        return isStorageSopClass(sopClassUid);
    }

    @Override
    public void onRequest(Association association, DimseMessage message) throws IOException, DimseException {
        Command request = message.command();
        DataSetInputStream dataSet = message.dataSet();
        if (dataSet == null) {
            throw new DimseException(DimseStatus.CANNOT_UNDERSTAND, "C-STORE-RQ without a data set");
        }
        StoreRequest storeRequest = new StoreRequest(association.serial(), association.callingAeTitle(),
                association.calledAeTitle(), request.messageId(), request.affectedSopClassUid(),
                request.affectedSopInstanceUid(), message.context().transferSyntax(), request.moveOriginatorAeTitle());
        StoreResult result;
        try {
            result = handler.store(storeRequest, dataSet);
        } catch (IOException e) {
            // the handler's I/O failure (a full disk) is the operation's, not the association's, which is what an
            // IOException from a service means: the registry answers it as any unchecked I/O failure
            throw new UncheckedIOException(e);
        }
        if (result == null) {
            throw new IllegalStateException("the store handler returned no result");
        }
        // a handler may have caught the stream's exception itself and answered a status: the association is gone all
        // the same, and the object incomplete, so there is nobody to answer
        if (dataSet.failure() != null) {
            throw dataSet.failure();
        }
        if (DimseStatus.isFailure(result.status())) {
            LOG.warnf("%s: C-STORE of %s answered 0x%04X: %s", association, request.affectedSopInstanceUid(),
                    result.status(), result.errorComment());
        } else {
            LOG.debugf("%s: C-STORE of %s answered 0x%04X", association, request.affectedSopInstanceUid(), result.status());
        }
        association.send(message.context(), Command.response(request, result.status(), result.errorComment()), null);
    }
}
