package io.glassbox.server.dicom.net.service;

import io.glassbox.server.dicom.net.assoc.AcceptorSettings;
import io.glassbox.server.dicom.net.assoc.AssociationAcceptor;
import io.glassbox.server.dicom.net.assoc.AssociationObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;

/** An acceptor on 127.0.0.1 and a free port, with C-ECHO and C-STORE into a {@link RecordingStoreHandler}. */
public final class TestAcceptor implements AutoCloseable {

    public static final String AE_TITLE = "GLASSBOX";

    public final AssociationAcceptor acceptor;
    final RecordingStoreHandler handler;

    public TestAcceptor(RecordingStoreHandler handler, Set<String> allowedCallingAeTitles, int maxAssociations,
                 int maxPduLength, Duration idleTimeout) throws IOException {
        this(handler, new AcceptorSettings("127.0.0.1", 0, AE_TITLE, allowedCallingAeTitles, maxAssociations,
                maxPduLength, idleTimeout), AssociationObserver.NONE);
    }

    public TestAcceptor(RecordingStoreHandler handler, AcceptorSettings settings, AssociationObserver observer)
            throws IOException {
        this.handler = handler;
        DimseServiceRegistry services = new DimseServiceRegistry()
                .register(new VerificationService())
                .register(new StorageService(handler));
        acceptor = new AssociationAcceptor(settings, services, observer);
        acceptor.start();
    }

    /** Any calling AE title, PDUs up to 16 kB, an idle timeout of 20 s and these limits. */
    public static AcceptorSettings settings(int maxAssociations, int maxConnectionsPerPeer, Duration artimTimeout) {
        return new AcceptorSettings("127.0.0.1", 0, AE_TITLE, Set.of("*"), maxAssociations, 16384,
                Duration.ofSeconds(20), artimTimeout, maxConnectionsPerPeer);
    }

    public static TestAcceptor standard(RecordingStoreHandler handler) throws IOException {
        return new TestAcceptor(handler, Set.of("*"), 8, 116794, Duration.ofSeconds(20));
    }

    public String port() {
        return Integer.toString(acceptor.localPort());
    }

    @Override
    public void close() {
        acceptor.close(Duration.ofSeconds(5));
    }
}
