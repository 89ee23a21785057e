package io.glassbox.server.ingest;

import io.glassbox.server.audit.AuditCodes;
import io.glassbox.server.audit.AuditEvents;
import io.glassbox.server.audit.AuditWriter;
import io.glassbox.server.audit.TransferredInstances;
import io.glassbox.server.config.GlassboxConfig;
import io.glassbox.server.dicom.net.assoc.AcceptorSettings;
import io.glassbox.server.dicom.net.pdu.AssociateReject;
import io.glassbox.server.dicom.net.pdu.AssociateRequest;
import io.glassbox.server.dicom.net.assoc.Association;
import io.glassbox.server.dicom.net.assoc.AssociationAcceptor;
import io.glassbox.server.dicom.net.assoc.AssociationObserver;
import io.glassbox.server.dicom.net.service.DimseServiceRegistry;
import io.glassbox.server.dicom.net.service.StorageService;
import io.glassbox.server.dicom.net.service.StoreRequest;
import io.glassbox.server.dicom.net.service.StoreResult;
import io.glassbox.server.dicom.net.service.VerificationService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The DICOM door: a C-ECHO and C-STORE SCP ({@link AssociationAcceptor}) started with the application from
 * {@code glassbox.dicom.*}, every C-STORE handed to {@link IngestService} and answered with its outcome.
 *
 * <p>Each C-STORE calls {@link IngestService#ingest} on the association's worker thread (at most
 * {@code maxAssociations} of them at once), with the data set streaming from the network as it arrives. The
 * stream ends (-1) only once the whole data set has arrived; if the association fails first (peer abort, lost
 * connection, idle timeout, protocol error) every read throws {@link IncomingObject.MalformedContentException},
 * the peer gets no response (there is no association left to answer on) and nothing may be kept.
 */
@Startup
@ApplicationScoped
public class DicomListener {

    private static final Logger LOG = Logger.getLogger(DicomListener.class);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

    private final GlassboxConfig.Dicom config;
    private final IngestService ingest;
    private final MeterRegistry metrics;
    private final Counter bytesReceived;
    private final Counter associationsAccepted;
    private final AuditWriter audit;
    /** What each association being served has stored so far, by its serial: one audit message at its end. */
    private final Map<Long, TransferredInstances> transfers = new ConcurrentHashMap<>();
    private AssociationAcceptor acceptor;
    private Gauge activeAssociations;

    public DicomListener(GlassboxConfig config, IngestService ingest, MeterRegistry metrics, AuditWriter audit) {
        this.config = config.dicom();
        this.ingest = ingest;
        this.metrics = metrics;
        this.audit = audit;
        this.bytesReceived = Counter.builder("glassbox.dicom.received.bytes").baseUnit("bytes")
                .description("C-STORE data set bytes read by ingest").register(metrics);
        this.associationsAccepted = Counter.builder("glassbox.dicom.associations.accepted")
                .description("DICOM associations accepted").register(metrics);
    }

    @PostConstruct
    void start() {
        if (!config.enabled()) {
            LOG.info("DICOM listener disabled (glassbox.dicom.enabled=false)");
            return;
        }
        Set<String> allowed = config.allowedCallingAeTitles().stream().map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
        AcceptorSettings settings = new AcceptorSettings(config.bindAddress(), config.port(), config.aeTitle(), allowed,
                config.maxAssociations(), config.maxPduLength(), Duration.ofSeconds(config.idleTimeoutSeconds()),
                Duration.ofSeconds(config.artimTimeoutSeconds()), config.maxConnectionsPerPeer());
        DimseServiceRegistry services = new DimseServiceRegistry()
                .register(new VerificationService())
                .register(new StorageService(this::store));
        acceptor = new AssociationAcceptor(settings, services, new Observer());
        try {
            acceptor.start();
        } catch (IOException e) {
            throw new UncheckedIOException("DICOM listener: " + e.getMessage(), e);
        }
        activeAssociations = Gauge.builder("glassbox.dicom.associations.active", acceptor,
                AssociationAcceptor::activeAssociations).description("DICOM associations being served").register(metrics);
        if (settings.acceptsAnyCallingAeTitle()) {
            LOG.warn("DICOM listener accepts associations from any calling AE title "
                    + "(GLASSBOX_ALLOWED_CALLING_AE_TITLES=*): list the modalities and PACS allowed to send");
        }
        LOG.infof("DICOM listener %s on %s:%d (up to %d associations, %d per peer address, max PDU %d bytes, "
                        + "ARTIM %d s, idle timeout %d s, calling AE titles %s)", settings.aeTitle(),
                settings.bindAddress(), acceptor.localPort(), settings.maxAssociations(),
                settings.maxConnectionsPerPeer(), settings.maxPduLength(), settings.artimTimeout().toSeconds(),
                settings.idleTimeout().toSeconds(),
                settings.acceptsAnyCallingAeTitle() ? "any" : settings.allowedCallingAeTitles());
    }

    @PreDestroy
    void stop() {
        if (acceptor != null) {
            acceptor.close(SHUTDOWN_GRACE);
        }
        // The gauge reads this listener's acceptor: unregistered so that a later start in the same JVM (a restarted
        // application; Quarkus tests switching profiles) registers its own instead of being handed this stale one.
        if (activeAssociations != null) {
            metrics.remove(activeAssociations);
        }
    }

    /** The port the listener is bound to (the chosen one when configured as 0), or -1 when disabled. */
    public int localPort() {
        return acceptor == null ? -1 : acceptor.localPort();
    }

    private StoreResult store(StoreRequest request, InputStream dataSet) {
        CountingDataSet content = new CountingDataSet(dataSet);
        IngestOutcome outcome;
        try {
            outcome = ingest.ingest(new IncomingObject(IncomingObject.Via.DIMSE, request.callingAeTitle(),
                    request.sopClassUid(), request.sopInstanceUid(), request.transferSyntaxUid(), content));
        } finally {
            bytesReceived.increment(content.count);
        }
        TransferredInstances transfer = transfers.get(request.associationSerial());
        if (transfer != null) {
            if (outcome.success()) {
                transfer.instance(outcome.studyInstanceUid(), outcome.sopClassUid(), outcome.sopInstanceUid());
            } else {
                transfer.refused(outcome.errorComment());
            }
        }
        return new StoreResult(outcome.dimseStatus(), outcome.success() ? null : outcome.errorComment());
    }

    /**
     * Counts the bytes ingest reads, and turns a failure of the association under the stream into what ingest
     * knows as the sender's broken framing.
     */
    private static final class CountingDataSet extends FilterInputStream {
        private long count;

        CountingDataSet(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                int b = super.read();
                if (b >= 0) {
                    count++;
                }
                return b;
            } catch (IOException e) {
                throw cutShort(e);
            }
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            try {
                int n = super.read(into, offset, length);
                if (n > 0) {
                    count += n;
                }
                return n;
            } catch (IOException e) {
                throw cutShort(e);
            }
        }

        private static IOException cutShort(IOException e) {
            IOException malformed = new IncomingObject.MalformedContentException(
                    "the association ended before the data set was complete: " + e.getMessage());
            malformed.initCause(e);
            return malformed;
        }
    }

    private final class Observer implements AssociationObserver {
        @Override
        public void accepted(Association association) {
            associationsAccepted.increment();
            transfers.put(association.serial(), new TransferredInstances());
        }

        @Override
        public void rejected(AssociateRequest request, AssociateReject reject, String remoteAddress) {
            metrics.counter("glassbox.dicom.associations.rejected", "reason", reject.reasonName()).increment();
            audit.record(AuditEvents.associationRefused(request.callingAeTitle(), remoteAddress, config.aeTitle(),
                    "association refused: " + reject.reasonName()));
        }

        /** One DICOM Instances Transferred message per association that stored (or was refused) anything. */
        @Override
        public void ended(Association association) {
            TransferredInstances transfer = transfers.remove(association.serial());
            if (transfer != null && !transfer.isEmpty()) {
                audit.record(transfer.received(AuditEvents.requestor(association.callingAeTitle(),
                                AuditEvents.withoutPort(association.remoteAddress()), AuditCodes.ROLE_SOURCE),
                        AuditEvents.self(config.aeTitle(), AuditCodes.ROLE_DESTINATION), AuditCodes.SUCCESS, null));
            }
        }

        @Override
        public void connectionClosed(String remoteAddress, String reason) {
            metrics.counter("glassbox.dicom.connections.closed", "reason", reason).increment();
        }
    }
}
