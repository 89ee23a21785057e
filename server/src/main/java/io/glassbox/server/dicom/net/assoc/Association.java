package io.glassbox.server.dicom.net.assoc;

import io.glassbox.server.dicom.net.pdu.Abort;
import io.glassbox.server.dicom.net.pdu.AssociateAccept;
import io.glassbox.server.dicom.net.pdu.AssociateRequest;
import io.glassbox.server.dicom.net.pdu.ByteReader;
import io.glassbox.server.dicom.net.pdu.DicomProtocolException;
import io.glassbox.server.dicom.net.pdu.Pdu;
import io.glassbox.server.dicom.net.pdu.PduBuilder;
import io.glassbox.server.dicom.net.pdu.PduReader;
import io.glassbox.server.dicom.net.pdu.Pdv;
import io.glassbox.server.dicom.net.pdu.PresentationContextProposal;
import io.glassbox.server.dicom.net.pdu.PresentationContextResult;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * An established association, the same for either role: it reads DIMSE messages (the data set streaming as it
 * arrives), sends messages fragmented to the peer's maximum PDU length, and ends by release or abort.
 * The accepting side gets one from {@link AssociationAcceptor}, a requesting side from
 * {@link AssociationRequestor#open}.
 *
 * <p>One thread reads and writes; only {@link #abort} may come from another (shutdown).
 */
public final class Association implements Closeable {

    private static final Logger LOG = Logger.getLogger(Association.class);
    private static final AtomicLong SERIALS = new AtomicLong();

    /** A command set is a few hundred bytes; this bounds what a broken peer can make us buffer. */
    static final int MAX_COMMAND_LENGTH = 64 * 1024;
    /** Our send buffer when the peer announces no maximum (0): large enough to be efficient, small in memory. */
    static final int SEND_PDU_LENGTH_WHEN_UNLIMITED = 256 * 1024;

    private final long serial = SERIALS.incrementAndGet();
    private final Socket socket;
    private final OutputStream out;
    private final PduReader reader;
    private final boolean requestor;
    private final AssociateRequest request;
    private final AssociateAccept accept;
    private final Map<Integer, PresentationContext> contexts;
    private final int receiveMaxPduLength;
    private final int sendMaxPduLength;
    /** How long to wait for the peer to close the transport after our A-RELEASE-RP or A-ABORT (ARTIM). */
    private final Duration closeWait;
    private final ReentrantLock writeLock = new ReentrantLock();

    // the P-DATA-TF being consumed: its remaining PDV items lie in pduBody[pduPosition, pduEnd)
    private byte[] pduBody;
    private int pduPosition;
    private int pduEnd;
    private DataSetInputStream pendingDataSet;
    private volatile boolean awaitingMessage;
    private volatile boolean ended;

    Association(Socket socket, PduReader reader, boolean requestor, AssociateRequest request, AssociateAccept accept,
                int receiveMaxPduLength, Duration closeWait) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.reader = reader;
        this.requestor = requestor;
        this.request = request;
        this.accept = accept;
        this.receiveMaxPduLength = receiveMaxPduLength;
        this.closeWait = closeWait;
        long peerMax = requestor ? accept.userInformation().maxPduLength() : request.userInformation().maxPduLength();
        this.sendMaxPduLength = peerMax <= 0 || peerMax > SEND_PDU_LENGTH_WHEN_UNLIMITED
                ? SEND_PDU_LENGTH_WHEN_UNLIMITED : (int) Math.max(peerMax, Pdv.HEADERS_LENGTH);
        Map<Integer, String> abstractSyntaxes = new LinkedHashMap<>();
        for (PresentationContextProposal proposal : request.presentationContexts()) {
            abstractSyntaxes.put(proposal.id(), proposal.abstractSyntax());
        }
        Map<Integer, PresentationContext> accepted = new LinkedHashMap<>();
        for (PresentationContextResult result : accept.presentationContexts()) {
            if (result.accepted() && abstractSyntaxes.containsKey(result.id())) {
                accepted.put(result.id(),
                        new PresentationContext(result.id(), abstractSyntaxes.get(result.id()), result.transferSyntax()));
            }
        }
        this.contexts = Map.copyOf(accepted);
    }

    // ---- identity ----

    /** A number naming this association in log lines. */
    public long serial() {
        return serial;
    }

    public String callingAeTitle() {
        return request.callingAeTitle();
    }

    public String calledAeTitle() {
        return request.calledAeTitle();
    }

    /** The peer's AE title, whichever side we are. */
    public String remoteAeTitle() {
        return requestor ? request.calledAeTitle() : request.callingAeTitle();
    }

    public String remoteAddress() {
        return socket.getInetAddress().getHostAddress() + ":" + socket.getPort();
    }

    public AssociateRequest request() {
        return request;
    }

    public AssociateAccept accept() {
        return accept;
    }

    public Collection<PresentationContext> presentationContexts() {
        return contexts.values();
    }

    /** The accepted context with this ID, or null. */
    public PresentationContext presentationContext(int id) {
        return contexts.get(id);
    }

    /** The first accepted context for this abstract syntax and transfer syntax (any when null), or null. */
    public PresentationContext presentationContext(String abstractSyntax, String transferSyntax) {
        for (PresentationContext pc : contexts.values()) {
            if (pc.abstractSyntax().equals(abstractSyntax)
                    && (transferSyntax == null || pc.transferSyntax().equals(transferSyntax))) {
                return pc;
            }
        }
        return null;
    }

    /** Largest P-DATA-TF variable field we send: the peer's maximum, capped. */
    public int sendMaxPduLength() {
        return sendMaxPduLength;
    }

    @Override
    public String toString() {
        return "association #" + serial + " " + request.callingAeTitle() + "->" + request.calledAeTitle()
                + " (" + remoteAddress() + ")";
    }

    // ---- receiving ----

    /**
     * Reads the next DIMSE message. The previous message's data set, if any was left unread, is drained first.
     *
     * @return the message, or null when the peer released the association (the A-RELEASE-RP is sent and the
     *         connection closed)
     * @throws AssociationAbortedException the peer aborted
     * @throws DicomProtocolException      the peer broke the protocol: the caller should {@link #abort} with its reason
     * @throws SocketTimeoutException      nothing arrived within the socket's read timeout (idle association)
     */
    public DimseMessage readMessage() throws IOException {
        finishPendingDataSet();
        ByteArrayOutputStream commandBytes = new ByteArrayOutputStream(256);
        int contextId = -1;
        while (true) {
            awaitingMessage = contextId < 0;
            Pdv fragment;
            try {
                fragment = nextPdv();
            } finally {
                awaitingMessage = false;
            }
            if (fragment == null) {
                if (contextId >= 0) {
                    throw new DicomProtocolException(Abort.REASON_UNEXPECTED_PDU,
                            "A-RELEASE-RQ in the middle of a command set");
                }
                answerRelease();
                return null;
            }
            if (!fragment.command()) {
                throw new DicomProtocolException(Abort.REASON_UNEXPECTED_PDU_PARAMETER,
                        "a data fragment on presentation context " + fragment.contextId() + " where a command was expected");
            }
            if (contextId >= 0 && fragment.contextId() != contextId) {
                throw new DicomProtocolException(Abort.REASON_UNEXPECTED_PDU_PARAMETER,
                        "one command set's fragments on presentation contexts " + contextId + " and " + fragment.contextId());
            }
            contextId = fragment.contextId();
            if (commandBytes.size() + fragment.length() > MAX_COMMAND_LENGTH) {
                throw new DicomProtocolException(Abort.REASON_INVALID_PDU_PARAMETER_VALUE,
                        "a command set longer than " + MAX_COMMAND_LENGTH + " bytes");
            }
            commandBytes.write(fragment.buffer(), fragment.offset(), fragment.length());
            if (fragment.last()) {
                break;
            }
        }
        Command command = Command.parse(commandBytes.toByteArray());
        DataSetInputStream dataSet = null;
        if (command.hasDataSet()) {
            dataSet = new DataSetInputStream(this, contextId);
            pendingDataSet = dataSet;
        }
        LOG.debugf("%s: received %s on context %d", this, command, contextId);
        return new DimseMessage(contexts.get(contextId), command, dataSet);
    }

    /** The next data fragment of the data set on {@code contextId}; for {@link DataSetInputStream}. */
    Pdv nextDataFragment(int contextId) throws IOException {
        Pdv fragment = nextPdv();
        if (fragment == null) {
            throw new DicomProtocolException(Abort.REASON_UNEXPECTED_PDU, "A-RELEASE-RQ before the data set was complete");
        }
        if (fragment.command()) {
            throw new DicomProtocolException(Abort.REASON_UNEXPECTED_PDU_PARAMETER,
                    "a command fragment in the middle of a data set");
        }
        if (fragment.contextId() != contextId) {
            throw new DicomProtocolException(Abort.REASON_UNEXPECTED_PDU_PARAMETER,
                    "a data set begun on presentation context " + contextId + " continued on " + fragment.contextId());
        }
        return fragment;
    }

    /** The next PDV, reading P-DATA-TF PDUs as needed; null when an A-RELEASE-RQ arrives instead. */
    private Pdv nextPdv() throws IOException {
        while (pduPosition >= pduEnd) {
            Pdu pdu = reader.read(receiveMaxPduLength);
            if (pdu == null) {
                throw new AssociationAbortedException("the peer closed the connection without releasing the association");
            }
            switch (pdu.type()) {
                case Pdu.P_DATA_TF -> {
                    pduBody = pdu.body();
                    pduPosition = 0;
                    pduEnd = pdu.length();
                }
                case Pdu.A_RELEASE_RQ -> {
                    return null;
                }
                case Pdu.A_ABORT -> throw new AssociationAbortedException("the peer sent " + Abort.parse(pdu));
                default -> throw new DicomProtocolException(Abort.REASON_UNEXPECTED_PDU,
                        "unexpected " + pdu.name() + " on an established association");
            }
        }
        ByteReader item = new ByteReader(pduBody, pduPosition, pduEnd - pduPosition);
        long itemLength = item.u32();
        if (itemLength < 2 || itemLength > item.remaining()) {
            throw new DicomProtocolException(Abort.REASON_INVALID_PDU_PARAMETER_VALUE,
                    "a PDV item of length " + itemLength + " where " + item.remaining() + " bytes remain in the P-DATA-TF");
        }
        int contextId = item.u8();
        int header = item.u8();
        if (!contexts.containsKey(contextId)) {
            throw new DicomProtocolException(Abort.REASON_INVALID_PDU_PARAMETER_VALUE,
                    "a PDV on presentation context " + contextId + ", which was not accepted");
        }
        int dataOffset = pduPosition + 6;
        pduPosition += 4 + (int) itemLength;
        return new Pdv(contextId, (header & Pdv.COMMAND_BIT) != 0, (header & Pdv.LAST_BIT) != 0,
                pduBody, dataOffset, (int) itemLength - 2);
    }

    private void finishPendingDataSet() throws IOException {
        if (pendingDataSet != null) {
            DataSetInputStream dataSet = pendingDataSet;
            pendingDataSet = null;
            long discarded = dataSet.drain();
            if (discarded > 0) {
                LOG.debugf("%s: drained %d unread data set bytes", this, discarded);
            }
        }
    }

    // ---- sending ----

    /**
     * Sends one DIMSE message: the command, then the data set if {@code dataSet} is not null, each fragmented so
     * that no P-DATA-TF exceeds the peer's maximum length. A message sent while the current request's data set
     * is still arriving waits for it to be drained first, so a response never overtakes its request.
     */
    public void send(PresentationContext context, Command command, InputStream dataSet) throws IOException {
        if (command.hasDataSet() != (dataSet != null)) {
            throw new IllegalArgumentException(command + (dataSet == null ? " announces a data set but none was given"
                    : " announces no data set but one was given"));
        }
        finishPendingDataSet();
        try (PDataOutputStream commandOut = new PDataOutputStream(context.id(), true)) {
            commandOut.write(command.toBytes());
        }
        if (dataSet != null) {
            try (PDataOutputStream dataOut = new PDataOutputStream(context.id(), false)) {
                dataSet.transferTo(dataOut);
            }
        }
        LOG.debugf("%s: sent %s on context %d", this, command, context.id());
    }

    /** Writes one whole PDU in a single write. */
    private void writePdu(byte[] pdu, int length) throws IOException {
        writeLock.lock();
        try {
            out.write(pdu, 0, length);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Collects a command or data set into P-DATA-TF PDUs of one PDV each, as large as the peer allows. A full
     * buffer is only sent once more bytes arrive, so that the last fragment can carry its "last" flag.
     */
    private final class PDataOutputStream extends OutputStream {
        private final byte[] pdu = new byte[Pdu.HEADER_LENGTH + sendMaxPduLength];
        private final int contextId;
        private final boolean command;
        private int length = Pdv.HEADERS_LENGTH;
        private boolean closed;

        PDataOutputStream(int contextId, boolean command) {
            this.contextId = contextId;
            this.command = command;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int count) throws IOException {
            while (count > 0) {
                if (length == pdu.length) {
                    emit(false);
                }
                int n = Math.min(count, pdu.length - length);
                System.arraycopy(bytes, offset, pdu, length, n);
                length += n;
                offset += n;
                count -= n;
            }
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                emit(true);
            }
        }

        private void emit(boolean last) throws IOException {
            int dataLength = length - Pdv.HEADERS_LENGTH;
            pdu[0] = (byte) Pdu.P_DATA_TF;
            pdu[1] = 0;
            putU32(pdu, 2, dataLength + 6L);
            putU32(pdu, 6, dataLength + 2L);
            pdu[10] = (byte) contextId;
            pdu[11] = (byte) ((command ? Pdv.COMMAND_BIT : 0) | (last ? Pdv.LAST_BIT : 0));
            writePdu(pdu, length);
            length = Pdv.HEADERS_LENGTH;
        }
    }

    private static void putU32(byte[] into, int at, long value) {
        into[at] = (byte) (value >>> 24);
        into[at + 1] = (byte) (value >>> 16);
        into[at + 2] = (byte) (value >>> 8);
        into[at + 3] = (byte) value;
    }

    // ---- ending ----

    /** As requestor: sends A-RELEASE-RQ, waits for the A-RELEASE-RP, closes. */
    public void release() throws IOException {
        finishPendingDataSet();
        byte[] releaseRequest = new PduBuilder(Pdu.A_RELEASE_RQ).zeros(4).toByteArray();
        writePdu(releaseRequest, releaseRequest.length);
        try {
            while (true) {
                Pdu pdu = reader.read(receiveMaxPduLength);
                if (pdu == null) {
                    throw new AssociationAbortedException("the peer closed the connection instead of answering A-RELEASE-RQ");
                }
                switch (pdu.type()) {
                    case Pdu.A_RELEASE_RP -> {
                        return;
                    }
                    case Pdu.A_ABORT -> throw new AssociationAbortedException("the peer sent " + Abort.parse(pdu));
                    // a release collision (PS3.8 9.2.3.2) or a late P-DATA: neither is produced by a requestor that
                    // waits for its responses, which is the only kind this class is
                    default -> throw new DicomProtocolException(Abort.REASON_UNEXPECTED_PDU,
                            "unexpected " + pdu.name() + " while awaiting A-RELEASE-RP");
                }
            }
        } finally {
            ended = true;
            close();
        }
    }

    private void answerRelease() throws IOException {
        byte[] releaseResponse = new PduBuilder(Pdu.A_RELEASE_RP).zeros(4).toByteArray();
        writePdu(releaseResponse, releaseResponse.length);
        ended = true;
        LOG.debugf("%s: released", this);
        closeAfterPeer(socket, closeWait);
    }

    /**
     * Sends an A-ABORT, as far as the connection still allows, and closes it at once. Safe from any thread; a
     * writer blocked on a peer that stopped reading does not hold it up for more than a second.
     */
    public void abort(Abort abort) {
        abort(abort, Duration.ZERO);
    }

    /**
     * Sends an A-ABORT and waits up to {@code awaitPeerClose} for the peer to close the connection (PS3.8 Sta13),
     * reading and dropping whatever it still sends, so that the A-ABORT is not lost to a reset. Only for the thread
     * that reads the association; {@link Duration#ZERO} closes at once.
     */
    void abort(Abort abort, Duration awaitPeerClose) {
        if (ended) {
            close();
            return;
        }
        ended = true;
        try {
            if (writeLock.tryLock(1, TimeUnit.SECONDS)) {
                try {
                    out.write(abort.toPdu());
                } finally {
                    writeLock.unlock();
                }
            }
        } catch (IOException e) {
            LOG.debugf("%s: could not send %s: %s", this, abort, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (awaitPeerClose.isZero()) {
            close();
        } else {
            closeAfterPeer(socket, awaitPeerClose);
        }
    }

    /**
     * Whether the association sits between messages, waiting for the peer's next one: nothing is lost by
     * aborting it then (used at shutdown).
     */
    public boolean awaitingMessage() {
        return awaitingMessage;
    }

    /** Whether the association ended (released, aborted or closed). */
    public boolean ended() {
        return ended || socket.isClosed();
    }

    @Override
    public void close() {
        ended = true;
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debugf("%s: closing: %s", this, e.getMessage());
        }
    }

    /**
     * Closes a connection on which we sent our last PDU (A-RELEASE-RP, A-ASSOCIATE-RJ, A-ABORT): the peer closes
     * first (PS3.8 9.1.6); waiting for it, at most {@code wait} (the ARTIM time), keeps our side out of TIME_WAIT
     * and the last PDU from being lost to a reset.
     */
    static void closeAfterPeer(Socket socket, Duration wait) {
        try (socket) {
            socket.shutdownOutput();
            long deadline = System.nanoTime() + wait.toNanos();
            InputStream in = socket.getInputStream();
            byte[] discard = new byte[8192];
            int n = 0;
            while (n >= 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    break;
                }
                socket.setSoTimeout(Math.toIntExact(Math.min(left, Integer.MAX_VALUE)));
                n = in.read(discard);
                // the peer should send nothing more; whatever it sends is dropped until it closes
            }
        } catch (IOException e) {
            // timeout or reset: closing anyway
        }
    }
}
