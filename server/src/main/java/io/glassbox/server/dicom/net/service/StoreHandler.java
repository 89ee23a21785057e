package io.glassbox.server.dicom.net.service;

import java.io.IOException;
import java.io.InputStream;

/** Where C-STORE data sets go: the application's side of {@link StorageService}. */
@FunctionalInterface
public interface StoreHandler {

    /**
     * Takes one object. Runs on the association's worker thread; the next request on the same association waits
     * for it.
     *
     * @param dataSet the data set exactly as the peer sent it (no file meta information), in
     *                {@code request.transferSyntaxUid()}, streamed from the network as it arrives. It ends (-1)
     *                only when the whole data set has arrived; a read throws if the association fails first, in
     *                which case nothing of it may be kept. What is left unread is drained afterwards.
     * @return the status to answer
     * @throws IOException answered as 0xA700 (out of resources) unless the association itself failed
     */
    StoreResult store(StoreRequest request, InputStream dataSet) throws IOException;
}
