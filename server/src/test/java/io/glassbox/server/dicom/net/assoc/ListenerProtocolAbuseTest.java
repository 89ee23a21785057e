package io.glassbox.server.dicom.net.assoc;

import io.glassbox.server.dicom.net.pdu.Abort;
import io.glassbox.server.dicom.net.pdu.Pdu;
import io.glassbox.server.dicom.net.pdu.PduBuilder;
import io.glassbox.server.dicom.net.pdu.Pdv;
import io.glassbox.server.dicom.net.service.DimseStatus;
import io.glassbox.server.dicom.net.service.StoreBehaviourTest;
import static io.glassbox.server.dicom.net.assoc.Requests.context;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.glassbox.server.ingest.DicomListener;
import io.glassbox.server.testing.Dcmtk;
import io.glassbox.server.testing.IndexFixture;
import io.glassbox.server.testing.Part10;
import io.glassbox.server.testing.TestCorpus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Protocol abuse against the running application's DICOM listener, with the real ingest behind it (store and
 * PostgreSQL index): an object cut short leaves nothing behind, a C-STORE on the wrong context or naming another
 * object is refused and not kept, silent connections do not keep dcmtk's storescu out, and after each the listener
 * stores the next object.
 */
@QuarkusTest
class ListenerProtocolAbuseTest {

    private static final Path CT_SMALL = TestCorpus.file("CT_small.dcm"); // explicit VR little endian
    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";
    private static final String MR = "1.2.840.10008.5.1.4.1.1.4";

    @Inject
    DicomListener listener;

    @Inject
    IndexFixture index;

    @Inject
    MeterRegistry registry;

    @BeforeEach
    void clean() throws Exception {
        index.clear();
    }

    @Test
    void anObjectCutShortByAnAbortOrAResetLeavesNothingBehind() throws Exception {
        byte[] dataSet = Part10.dataSet(CT_SMALL);
        for (boolean reset : new boolean[] {false, true}) {
            try (Socket socket = new Socket("127.0.0.1", listener.localPort())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(Requests.request("CUTTER", "GLASSBOX", 16384,
                        context(1, CT, TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN)).toPdu());
                assertEquals(Pdu.A_ASSOCIATE_AC, new DataInputStream(socket.getInputStream()).readUnsignedByte());
                // What awaitNothingKept waits on: were the gauge not this application's (a stale one left registered
                // by an earlier application in this JVM), the wait would end before the server had even begun.
                assertTrue(activeAssociations() >= 1, "the association is not counted as served");
                byte[] command = Command.storeRequest(1, CT, sopInstanceUid(), Command.PRIORITY_MEDIUM).toBytes();
                socket.getOutputStream().write(pData(Pdv.COMMAND_BIT | Pdv.LAST_BIT, command));
                // half the data set, in a fragment that is not the last
                socket.getOutputStream().write(pData(0, Arrays.copyOf(dataSet, dataSet.length / 2)));
                if (reset) {
                    socket.setSoLinger(true, 0);
                } else {
                    socket.getOutputStream().write(new Abort(Abort.SOURCE_SERVICE_USER, 0).toPdu());
                }
            }
            awaitNothingKept(reset ? "after a TCP reset" : "after an A-ABORT");
        }
        storescuStores();
    }

    @Test
    void aStoreOnAnotherSopClassesContextIsRefusedAndNotKept() throws Exception {
        Command response = storeOn(MR, CT, sopInstanceUid());
        assertEquals(DimseStatus.SOP_CLASS_NOT_SUPPORTED, response.status(), response::toString);
        awaitNothingKept("a CT image on an MR context");
        storescuStores();
    }

    @Test
    void aStoreNamingAnotherSopClassOrInstanceThanItsDataSetIsRefusedAndNotKept() throws Exception {
        Command otherClass = storeOn(MR, MR, sopInstanceUid()); // the data set is a CT image
        assertEquals(DimseStatus.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, otherClass.status(), otherClass::toString);
        Command otherInstance = storeOn(CT, CT, "1.2.3.4.5.6.7.8.9");
        assertEquals(DimseStatus.CANNOT_UNDERSTAND, otherInstance.status(), otherInstance::toString);
        awaitNothingKept("objects whose request names another class or instance");
        storescuStores();
    }

    @Test
    void silentConnectionsBeyondMaxAssociationsDoNotKeepStorescuOut() throws Exception {
        double displacedBefore = displaced();
        List<Socket> silent = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) { // more than the 32 associations, 4 from each of 10 addresses
                Socket socket = new Socket();
                silent.add(socket);
                socket.bind(new InetSocketAddress("127.0.0." + (2 + i % 10), 0));
                socket.connect(new InetSocketAddress("127.0.0.1", listener.localPort()), 5000);
            }
            storescuStores();
            // 32 wait at most: the 8 beyond, and storescu's connection, each took the place of the oldest (a
            // connection another test left waiting may have been displaced too)
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (displaced() - displacedBefore < 9 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            double counted = displaced() - displacedBefore;
            assertTrue(counted >= 9, "glassbox.dicom.connections.closed{reason=displaced} grew by " + counted);
        } finally {
            for (Socket socket : silent) {
                socket.close();
            }
        }
    }

    private double activeAssociations() {
        return registry.get("glassbox.dicom.associations.active").gauge().value();
    }

    private double displaced() {
        Counter counter = registry.find("glassbox.dicom.connections.closed").tag("reason", "displaced").counter();
        return counter == null ? 0 : counter.count();
    }

    /** CT_small's data set in a C-STORE naming {@code sopClass} and {@code sopInstance}, on a context for {@code contextClass}. */
    private Command storeOn(String contextClass, String sopClass, String sopInstance) throws IOException {
        Association association = Requests.open(listener.localPort(), Requests.request("MISMATCH", "GLASSBOX", 16384,
                context(1, contextClass, TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN)));
        try {
            association.send(association.presentationContext(1),
                    Command.storeRequest(1, sopClass, sopInstance, Command.PRIORITY_MEDIUM),
                    new ByteArrayInputStream(Part10.dataSet(CT_SMALL)));
            return association.readMessage().command();
        } finally {
            association.release();
        }
    }

    private void storescuStores() throws Exception {
        Dcmtk.Result store = Dcmtk.run("storescu", "-aec", "GLASSBOX", "127.0.0.1",
                Integer.toString(listener.localPort()), CT_SMALL.toString());
        assertEquals(0, store.exitCode(), store.toString());
        assertEquals(1, index.count("SELECT count(*) FROM instance WHERE sop_instance_uid = ?", sopInstanceUid()));
    }

    /**
     * Once the association has ended: nothing indexed, nothing in the store, no temporary file. Waited for as a
     * whole: what matters is that nothing is kept, not the order in which the association's thread lets go of
     * things. (CI twice saw a temporary file here: the gauge was a stale one from an earlier application in the
     * JVM and read 0 at once, so the wait ended before the server had begun to receive.)
     */
    private void awaitNothingKept(String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while ((activeAssociations() > 0
                || index.filesUnder("incoming") > 0 || index.filesUnder("objects") > 0)
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, activeAssociations(), what + ": still serving");
        assertEquals(0, index.filesUnder("incoming"), what + ": a temporary file was left behind");
        assertEquals(0, index.count("SELECT count(*) FROM instance"), what + ": indexed");
        assertEquals(0, index.filesUnder("objects"), what + ": a file is in the store");
    }

    private static String sopInstanceUid() {
        return StoreBehaviourTest.sopInstanceUid(CT_SMALL);
    }

    private static byte[] pData(int controlHeader, byte[] fragment) {
        return new PduBuilder(Pdu.P_DATA_TF).u32(fragment.length + 2L).u8(1).u8(controlHeader).bytes(fragment)
                .toByteArray();
    }
}
