package io.glassbox.server.dicom.net.assoc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Every limit on an {@link AssociationAcceptor}'s connections, in one place, so that connections that never
 * become associations (silent, slow, hostile) cannot keep out a sender that speaks.
 *
 * <p><b>Before the association</b> a connection is <i>waiting</i>: for its A-ASSOCIATE-RQ, which must arrive
 * within the ARTIM time (PS3.8 9.1.5: else the connection is closed), or, once rejected, for the peer to close.
 * Waiting connections cost a thread each, so there are at most {@code maxAssociations} of them, and at most
 * {@code maxConnectionsPerPeer} from one address. A newcomer that finds its address's share or the whole room full
 * takes the place of the one that has waited longest (of its address, or of all), which is closed: a sender that
 * sends its request as soon as it connects (every real one) is never kept out by connections that do not, and one
 * address can only ever displace its own. A connection whose request is being answered is not displaced.
 *
 * <p><b>An association</b> is admitted while fewer than {@code maxAssociations} are established in all and fewer
 * than {@code maxConnectionsPerPeer} from the requester's address; otherwise the request is answered A-ASSOCIATE-RJ
 * (transient, service provider (presentation), local limit exceeded). Only associations count against
 * {@code maxAssociations}: a connection that never sends a request holds no association slot.
 *
 * <p>So an acceptor never serves more than {@code 2 × maxAssociations} connections at once (plus, for an instant,
 * displaced connections whose threads have not yet noticed their sockets closed).
 */
final class ConnectionAdmission implements AutoCloseable {

    /** Why a connection was closed before it became an association. */
    enum Closed {
        /** It sent no complete A-ASSOCIATE-RQ within the ARTIM time. */
        ARTIM_EXPIRED("artim-expired"),
        /** A newer connection took its place in the full waiting room. */
        DISPLACED("displaced"),
        /** Closed as it arrived: every waiting place was held by a request being answered (none displaceable). */
        NO_ROOM("no-room");

        private final String tag;

        Closed(String tag) {
            this.tag = tag;
        }

        /** A short stable name for logs and metric tags. */
        String tag() {
            return tag;
        }
    }

    private enum State { AWAITING_REQUEST, ANSWERING, CLOSING_AFTER_REJECT, ASSOCIATED, ENDED }

    /** One accepted connection, from accept to close. */
    final class Connection {
        final Socket socket;
        final InetAddress peer;
        private State state = State.AWAITING_REQUEST;
        private ScheduledFuture<?> artim;
        private volatile Closed closed;

        private Connection(Socket socket) {
            this.socket = socket;
            this.peer = socket.getInetAddress();
        }

        /** Why admission closed this connection, or null when it did not. */
        Closed closedByAdmission() {
            return closed;
        }

        private boolean displaceable() {
            return state == State.AWAITING_REQUEST || state == State.CLOSING_AFTER_REJECT;
        }
    }

    private final int maxAssociations;
    private final int maxPerPeer;
    private final Duration artimTimeout;
    private final ScheduledThreadPoolExecutor artimTimer;

    /** Waiting connections in order of arrival: the first is the one that has waited longest. */
    private final Set<Connection> waiting = new LinkedHashSet<>();
    private final Map<InetAddress, Integer> waitingFrom = new HashMap<>();
    private final Map<InetAddress, Integer> associatedFrom = new HashMap<>();
    private int associated;

    ConnectionAdmission(AcceptorSettings settings, String threadName) {
        this.maxAssociations = settings.maxAssociations();
        this.maxPerPeer = settings.maxConnectionsPerPeer();
        this.artimTimeout = settings.artimTimeout();
        this.artimTimer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        artimTimer.setRemoveOnCancelPolicy(true);
    }

    /** Most connections served at once: the waiting room and the associations. */
    int maxConnections() {
        return 2 * maxAssociations;
    }

    /**
     * Admits a newly accepted connection to the waiting room, displacing the longest-waiting one when the room or
     * this address's share of it is full, and starts its ARTIM timer.
     *
     * @return the connection, or null when it was closed at once ({@link Closed#NO_ROOM})
     */
    synchronized Connection admit(Socket socket) {
        Connection connection = new Connection(socket);
        if (count(waitingFrom, connection.peer) >= maxPerPeer
                && !displaceOldest(waiting -> waiting.peer.equals(connection.peer))) {
            closeQuietly(socket);
            return null;
        }
        if (waiting.size() >= maxAssociations && !displaceOldest(waiting -> true)) {
            closeQuietly(socket);
            return null;
        }
        waiting.add(connection);
        increment(waitingFrom, connection.peer);
        connection.artim = artimTimer.schedule(() -> expire(connection), artimTimeout.toMillis(), TimeUnit.MILLISECONDS);
        return connection;
    }

    /** Its A-ASSOCIATE-RQ arrived whole: the ARTIM timer stops (PS3.8 9.2, AE-6) and it is no longer displaced. */
    synchronized void requestReceived(Connection connection) throws IOException {
        if (connection.state != State.AWAITING_REQUEST) {
            // closed by the timer or displaced while the last bytes arrived: the socket is gone
            throw new IOException("connection closed: " + connection.closed.tag());
        }
        connection.artim.cancel(false);
        connection.state = State.ANSWERING;
    }

    /** The limit that kept a request from becoming an association. */
    enum Limit {
        /** {@code maxAssociations} are established. */
        ASSOCIATIONS,
        /** {@code maxConnectionsPerPeer} associations are established from the requester's address. */
        PEER
    }

    /**
     * Makes the connection an association if the limits allow.
     *
     * @return null when admitted; else the limit reached, and the connection is {@link #rejecting}
     */
    synchronized Limit associate(Connection connection) {
        Limit reached = associated >= maxAssociations ? Limit.ASSOCIATIONS
                : count(associatedFrom, connection.peer) >= maxPerPeer ? Limit.PEER : null;
        if (reached != null) {
            rejecting(connection);
            return reached;
        }
        leaveWaitingRoom(connection);
        connection.state = State.ASSOCIATED;
        associated++;
        increment(associatedFrom, connection.peer);
        return null;
    }

    /**
     * The request is answered A-ASSOCIATE-RJ (for a limit or by the negotiator): the connection waits for the peer
     * to close, and may be displaced meanwhile, since it has had its answer.
     */
    synchronized void rejecting(Connection connection) {
        if (connection.state == State.ANSWERING) {
            connection.state = State.CLOSING_AFTER_REJECT;
        }
    }

    /** The connection's task ended: whatever it held is free again. */
    synchronized void end(Connection connection) {
        if (connection.state == State.ASSOCIATED) {
            associated--;
            decrement(associatedFrom, connection.peer);
        } else if (connection.state != State.ENDED) {
            leaveWaitingRoom(connection);
        }
        connection.state = State.ENDED;
    }

    /** Closes every connection that is not an association (at shutdown, once the grace time is over). */
    synchronized void closeWaiting() {
        for (Connection connection : waiting) {
            closeQuietly(connection.socket);
        }
    }

    @Override
    public void close() {
        artimTimer.shutdownNow();
    }

    private synchronized void expire(Connection connection) {
        if (connection.state == State.AWAITING_REQUEST) {
            drop(connection, Closed.ARTIM_EXPIRED);
        }
    }

    /** @return whether a connection matching {@code which} could be displaced */
    private boolean displaceOldest(Predicate<Connection> which) {
        for (Iterator<Connection> i = waiting.iterator(); i.hasNext(); ) {
            Connection oldest = i.next();
            if (which.test(oldest) && oldest.displaceable()) {
                drop(oldest, Closed.DISPLACED);
                return true;
            }
        }
        return false;
    }

    private void drop(Connection connection, Closed why) {
        connection.closed = why;
        leaveWaitingRoom(connection);
        connection.state = State.ENDED;
        // the connection's own thread, blocked reading, sees the socket closed and ends
        closeQuietly(connection.socket);
    }

    private void leaveWaitingRoom(Connection connection) {
        if (waiting.remove(connection)) {
            decrement(waitingFrom, connection.peer);
            connection.artim.cancel(false);
        }
    }

    private static int count(Map<InetAddress, Integer> counts, InetAddress peer) {
        return counts.getOrDefault(peer, 0);
    }

    private static void increment(Map<InetAddress, Integer> counts, InetAddress peer) {
        counts.merge(peer, 1, Integer::sum);
    }

    private static void decrement(Map<InetAddress, Integer> counts, InetAddress peer) {
        counts.computeIfPresent(peer, (address, n) -> n == 1 ? null : n - 1);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
