package io.glassbox.server.dicom.net.assoc;

import io.glassbox.server.dicom.net.pdu.Abort;
import io.glassbox.server.dicom.net.pdu.AssociateAccept;
import io.glassbox.server.dicom.net.pdu.AssociateReject;
import io.glassbox.server.dicom.net.pdu.AssociateRequest;
import io.glassbox.server.dicom.net.pdu.DicomProtocolException;
import io.glassbox.server.dicom.net.pdu.Pdu;
import io.glassbox.server.dicom.net.pdu.PduReader;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The listening side: binds one configured address and serves each connection on a bounded pool of worker
 * threads, one thread per connection while it lasts. Who is served is {@link ConnectionAdmission}'s decision: a
 * connection has the ARTIM time to send its A-ASSOCIATE-RQ, silent ones cannot crowd out senders, and a request
 * beyond {@code maxAssociations} in all, or {@code maxConnectionsPerPeer} from one address, is answered at once with
 * A-ASSOCIATE-RJ (transient, local limit exceeded) instead of being queued.
 *
 * <p>Whatever a peer does wrong (garbage, a truncated or unexpected PDU, silence) costs it its own connection,
 * with an A-ABORT and a log line; the acceptor keeps serving everyone else.
 */
public final class AssociationAcceptor implements Closeable {

    private static final Logger LOG = Logger.getLogger(AssociationAcceptor.class);

    private static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);

    private final AcceptorSettings settings;
    private final AssociationObserver observer;
    private final DimseDispatcher services;
    private final AssociationNegotiator negotiator;
    private final Set<Association> established = ConcurrentHashMap.newKeySet();
    private ConnectionAdmission admission;
    private ServerSocket serverSocket;
    private ExecutorService workers;
    private Thread acceptThread;
    private volatile boolean closing;

    public AssociationAcceptor(AcceptorSettings settings, DimseDispatcher services, AssociationObserver observer) {
        this.settings = settings;
        this.services = services;
        this.observer = observer;
        this.negotiator = new AssociationNegotiator(settings, services);
    }

    /** Binds and starts accepting. */
    public synchronized void start() throws IOException {
        if (serverSocket != null) {
            throw new IllegalStateException("already started");
        }
        ServerSocket socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(settings.bindAddress()), settings.port()), 128);
        } catch (IOException e) {
            socket.close();
            throw new IOException("cannot listen on " + settings.bindAddress() + ":" + settings.port() + ": " + e.getMessage(), e);
        }
        serverSocket = socket;
        String name = "dicom-" + socket.getLocalPort();
        admission = new ConnectionAdmission(settings, name + "-artim");
        // a fixed pool: admission bounds the connections served to its size, so its queue only ever holds a task
        // for the instant between a connection ending (or being displaced) and its thread returning to the pool
        workers = Executors.newFixedThreadPool(admission.maxConnections(), threads(name + "-association-"));
        acceptThread = new Thread(this::acceptLoop, name + "-acceptor");
        acceptThread.setDaemon(true);
        acceptThread.start();
    }

    public int localPort() {
        return serverSocket.getLocalPort();
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverSocket.getLocalSocketAddress();
    }

    public AcceptorSettings settings() {
        return settings;
    }

    /** Associations established and not yet ended. */
    public int activeAssociations() {
        return established.size();
    }

    private void acceptLoop() {
        while (!closing) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (!closing) {
                    LOG.errorf(e, "DICOM acceptor on port %d: accept failed", localPort());
                    pause(); // e.g. out of file descriptors: do not spin
                }
                continue;
            }
            try {
                socket.setTcpNoDelay(true);
                // no single read waits longer than ARTIM for the request; the ARTIM timer bounds the whole of it
                socket.setSoTimeout(Math.toIntExact(settings.artimTimeout().toMillis()));
            } catch (IOException e) {
                closeQuietly(socket);
                continue;
            }
            ConnectionAdmission.Connection connection = admission.admit(socket);
            if (connection == null) {
                LOG.warnf("connection from %s closed at once: every place it could wait in holds a request being "
                        + "answered", address(socket));
                observer.connectionClosed(address(socket), ConnectionAdmission.Closed.NO_ROOM.tag());
                continue;
            }
            try {
                workers.execute(() -> serve(connection));
            } catch (RejectedExecutionException e) { // only when closing
                admission.end(connection);
                closeQuietly(socket);
            }
        }
    }

    private void serve(ConnectionAdmission.Connection connection) {
        Socket socket = connection.socket;
        Association association = null;
        try {
            PduReader reader = new PduReader(socket.getInputStream());
            AssociateRequest request = readAssociateRequest(socket, reader);
            if (request == null) {
                return;
            }
            admission.requestReceived(connection);
            AssociateReject reject = negotiator.check(request);
            if (reject == null) {
                ConnectionAdmission.Limit limit = admission.associate(connection);
                if (limit != null) {
                    boolean peer = limit == ConnectionAdmission.Limit.PEER;
                    LOG.warnf("association from %s (%s): already serving %d associations %s, the maximum",
                            address(socket), request.callingAeTitle(),
                            peer ? settings.maxConnectionsPerPeer() : settings.maxAssociations(),
                            peer ? "for this address" : "in all");
                    reject = AssociateReject.localLimitExceeded();
                }
            }
            if (reject != null) {
                admission.rejecting(connection);
                reject(socket, request, reject);
                return;
            }
            socket.setSoTimeout(Math.toIntExact(settings.idleTimeout().toMillis()));
            AssociateAccept accept = negotiator.accept(request);
            association = new Association(socket, reader, false, request, accept, settings.maxPduLength(),
                    settings.artimTimeout());
            // counted before the peer can know it is accepted, so that what the peer sees and the count agree
            established.add(association);
            observer.accepted(association);
            socket.getOutputStream().write(accept.toPdu());
            LOG.debugf("%s: accepted %d of %d presentation contexts; peer %s %s, max PDU %d", association,
                    association.presentationContexts().size(), request.presentationContexts().size(),
                    request.userInformation().implementationClassUid(), request.userInformation().implementationVersionName(),
                    request.userInformation().maxPduLength());
            while (!closing) {
                DimseMessage message = association.readMessage();
                if (message == null) {
                    LOG.debugf("%s: released", association);
                    return;
                }
                services.dispatch(association, message);
            }
            association.abort(new Abort(Abort.SOURCE_SERVICE_PROVIDER, Abort.REASON_NOT_SPECIFIED));
        } catch (SocketTimeoutException e) {
            if (association == null) {
                closedByArtim(socket);
            } else {
                LOG.warnf("%s: idle for %d s: aborting", association, settings.idleTimeout().toSeconds());
                abort(socket, association, new Abort(Abort.SOURCE_SERVICE_PROVIDER, Abort.REASON_NOT_SPECIFIED));
            }
        } catch (DicomProtocolException e) {
            Abort abort = new Abort(Abort.SOURCE_SERVICE_PROVIDER, e.abortReason());
            LOG.warnf("%s: protocol error, sending %s: %s", describe(association, socket), abort, e.getMessage());
            abort(socket, association, abort);
        } catch (AssociationAbortedException e) {
            LOG.infof("%s: %s", describe(association, socket), e.getMessage());
        } catch (IOException e) {
            if (connection.closedByAdmission() == ConnectionAdmission.Closed.ARTIM_EXPIRED) {
                closedByArtim(socket);
            } else if (connection.closedByAdmission() == ConnectionAdmission.Closed.DISPLACED) {
                LOG.infof("connection from %s, without an A-ASSOCIATE-RQ yet, closed to make room for newer connections",
                        address(socket));
                observer.connectionClosed(address(socket), ConnectionAdmission.Closed.DISPLACED.tag());
            } else if (!closing) {
                LOG.infof("%s: connection lost: %s", describe(association, socket), e.toString());
            }
        } catch (RuntimeException | Error e) {
            LOG.errorf(e, "%s: internal error, aborting", describe(association, socket));
            abort(socket, association, new Abort(Abort.SOURCE_SERVICE_PROVIDER, Abort.REASON_NOT_SPECIFIED));
        } finally {
            if (association != null) {
                established.remove(association);
                observer.ended(association);
            }
            closeQuietly(socket);
            admission.end(connection);
        }
    }

    private void closedByArtim(Socket socket) {
        LOG.infof("connection from %s sent no A-ASSOCIATE-RQ within %d s (ARTIM): closed", address(socket),
                settings.artimTimeout().toSeconds());
        observer.connectionClosed(address(socket), ConnectionAdmission.Closed.ARTIM_EXPIRED.tag());
    }

    /** @return the request, or null when the peer closed the connection without sending anything */
    private AssociateRequest readAssociateRequest(Socket socket, PduReader reader) throws IOException {
        Pdu pdu = reader.read(PduReader.MAX_CONTROL_PDU_LENGTH);
        if (pdu == null) {
            LOG.debugf("connection from %s closed before an A-ASSOCIATE-RQ", address(socket));
            return null;
        }
        if (pdu.type() != Pdu.A_ASSOCIATE_RQ) {
            throw new DicomProtocolException(Abort.REASON_UNEXPECTED_PDU,
                    "expected an A-ASSOCIATE-RQ, received " + pdu.name());
        }
        return AssociateRequest.parse(pdu);
    }

    private void reject(Socket socket, AssociateRequest request, AssociateReject reject) throws IOException {
        socket.getOutputStream().write(reject.toPdu());
        LOG.infof("association from %s (%s -> %s) rejected: %s", address(socket), request.callingAeTitle(),
                request.calledAeTitle(), reject);
        observer.rejected(request, reject, address(socket));
        Association.closeAfterPeer(socket, settings.artimTimeout());
    }

    /** Sends the A-ABORT and waits, at most the ARTIM time, for the peer to close (PS3.8 9.2, AA-1 and Sta13). */
    private void abort(Socket socket, Association association, Abort abort) {
        if (association != null) {
            association.abort(abort, settings.artimTimeout());
            return;
        }
        try {
            socket.getOutputStream().write(abort.toPdu());
        } catch (IOException e) {
            // the connection is already gone: nothing to tell
            closeQuietly(socket);
            return;
        }
        Association.closeAfterPeer(socket, settings.artimTimeout());
    }

    /** Stops accepting and ends the associations, giving busy ones up to 10 s to finish their current message. */
    @Override
    public void close() {
        close(DEFAULT_SHUTDOWN_GRACE);
    }

    /**
     * Stops accepting; aborts associations waiting for their next message at once, and those in the middle of
     * one after {@code grace}. Returns when all have ended.
     */
    public void close(Duration grace) {
        synchronized (this) {
            if (serverSocket == null || closing) {
                return;
            }
            closing = true;
        }
        closeQuietly(serverSocket);
        workers.shutdown();
        long deadline = System.nanoTime() + grace.toNanos();
        try {
            while (!workers.awaitTermination(100, TimeUnit.MILLISECONDS)) {
                boolean graceOver = System.nanoTime() > deadline;
                for (Association association : established) {
                    if (graceOver || association.awaitingMessage()) {
                        association.abort(new Abort(Abort.SOURCE_SERVICE_PROVIDER, Abort.REASON_NOT_SPECIFIED));
                    }
                }
                if (graceOver) {
                    admission.closeWaiting();
                }
            }
            acceptThread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
        } finally {
            admission.close();
        }
        LOG.infof("DICOM acceptor %s on %s:%d stopped", settings.aeTitle(), settings.bindAddress(), serverSocket.getLocalPort());
    }

    private static String describe(Association association, Socket socket) {
        return association != null ? association.toString() : "connection from " + address(socket);
    }

    private static String address(Socket socket) {
        return socket.getInetAddress().getHostAddress() + ":" + socket.getPort();
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
