package io.glassbox.server.dicom.net.service;

import io.glassbox.server.dicom.net.assoc.Association;
import io.glassbox.server.dicom.net.assoc.Command;
import io.glassbox.server.dicom.net.assoc.DimseMessage;
import io.glassbox.server.dicom.net.assoc.PresentationContext;
import io.glassbox.server.dicom.net.assoc.Requests;
import io.glassbox.server.dicom.net.assoc.TransferSyntaxes;
import static io.glassbox.server.dicom.net.assoc.Requests.context;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.glassbox.server.dicom.net.service.RecordingStoreHandler.Received;
import io.glassbox.server.testing.Dcmtk;
import io.glassbox.server.testing.PydicomCorpus;
import io.glassbox.server.testing.Part10;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** C-STORE behaviour with dcmtk's storescu (and storescp, for our sending side): statuses, concurrency, PDU sizes. */
public class StoreBehaviourTest {

    private static final Path CORPUS = PydicomCorpus.DIRECTORY;
    /** Three explicit VR little endian objects with distinct SOP instance UIDs, sent byte for byte by storescu. */
    private static final List<Path> THREE_OBJECTS = List.of(CORPUS.resolve("SC_rgb_small_odd.dcm"),
            CORPUS.resolve("SC_ybr_full_422_uncompressed.dcm"), CORPUS.resolve("badVR.dcm"));
    /** A 197 kB implicit VR object: many PDUs at 4 kB. */
    private static final Path LARGE_OBJECT = CORPUS.resolve("SC_rgb_jpeg_dcmd.dcm");

    @TempDir
    Path directory;

    @Test
    void aFailedObjectIsAnsweredWithItsStatusAndTheNextOneOnTheAssociationSucceeds() throws Exception {
        RecordingStoreHandler handler = new RecordingStoreHandler(directory);
        String failing = sopInstanceUid(THREE_OBJECTS.get(1));
        handler.answer = request -> request.sopInstanceUid().equals(failing)
                ? StoreResult.failure(DimseStatus.OUT_OF_RESOURCES, "disk full (test)") : StoreResult.success();
        try (TestAcceptor scp = TestAcceptor.standard(handler)) {
            Dcmtk.Result storescu = storescu(scp, "-R", "-nh", "-d", THREE_OBJECTS);
            assertEquals(List.of(0x0000, 0xA700, 0x0000), responseStatuses(storescu), storescu.toString());
            assertEquals(List.of("disk full (test)"), errorComments(storescu), storescu.toString());

            List<Received> stored = handler.received();
            assertEquals(List.of(sopInstanceUid(THREE_OBJECTS.get(0)), sopInstanceUid(THREE_OBJECTS.get(2))),
                    stored.stream().map(r -> r.request().sopInstanceUid()).toList());
            assertEquals(stored.get(0).request().associationSerial(), stored.get(1).request().associationSerial(),
                    "one association throughout");
        }
    }

    @Test
    void handlerExceptionsAreAnsweredA700ForIoAndC000OtherwiseWithTheReason() throws Exception {
        RecordingStoreHandler handler = new RecordingStoreHandler(directory);
        String io = sopInstanceUid(THREE_OBJECTS.get(0));
        String bug = sopInstanceUid(THREE_OBJECTS.get(1));
        handler.answer = request -> {
            if (request.sopInstanceUid().equals(io)) {
                throw new java.io.UncheckedIOException(new IOException("No space left on device (test)"));
            }
            if (request.sopInstanceUid().equals(bug)) {
                throw new IllegalStateException("x".repeat(200));
            }
            return StoreResult.success();
        };
        try (TestAcceptor scp = TestAcceptor.standard(handler)) {
            Dcmtk.Result storescu = storescu(scp, "-R", "-nh", "-d", THREE_OBJECTS);
            assertEquals(List.of(0xA700, 0xC000, 0x0000), responseStatuses(storescu), storescu.toString());
            List<String> comments = errorComments(storescu);
            assertEquals(2, comments.size(), storescu.toString());
            assertEquals("Out of resources: No space left on device (test)", comments.get(0));
            assertEquals("Cannot store: " + "x".repeat(Command.MAX_ERROR_COMMENT_LENGTH - "Cannot store: ".length()),
                    comments.get(1), "cut to the 64 characters LO allows");
            assertEquals(List.of(sopInstanceUid(THREE_OBJECTS.get(2))),
                    handler.received().stream().map(r -> r.request().sopInstanceUid()).toList());
        }
    }

    @Test
    void aStoreWhoseSopClassIsNotItsPresentationContextsIsRefusedAndNotStored() throws Exception {
        RecordingStoreHandler handler = new RecordingStoreHandler(directory);
        Path object = THREE_OBJECTS.get(0);
        String secondaryCapture = "1.2.840.10008.5.1.4.1.1.7";
        String ct = "1.2.840.10008.5.1.4.1.1.2";
        try (TestAcceptor scp = TestAcceptor.standard(handler)) {
            Association association = Requests.open(scp.acceptor.localPort(), Requests.request("MISMATCH",
                    TestAcceptor.AE_TITLE, 16384, context(1, ct, TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN),
                    context(3, secondaryCapture, TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN)));
            PresentationContext ctContext = association.presentationContext(1);
            association.send(ctContext, Command.storeRequest(1, secondaryCapture, sopInstanceUid(object),
                    Command.PRIORITY_MEDIUM), new ByteArrayInputStream(dataSet(object)));
            Command refused = association.readMessage().command();
            assertEquals(DimseStatus.SOP_CLASS_NOT_SUPPORTED, refused.status(), refused::toString);
            assertEquals(1, refused.messageIdBeingRespondedTo());
            assertEquals(List.of(), handler.received(), "the object was not handed to the store");

            // the association goes on: the same object on its own context is stored
            association.send(association.presentationContext(3), Command.storeRequest(2, secondaryCapture,
                    sopInstanceUid(object), Command.PRIORITY_MEDIUM), new ByteArrayInputStream(dataSet(object)));
            assertEquals(DimseStatus.SUCCESS, association.readMessage().command().status());
            assertEquals(1, handler.received().size());
            association.release();
        }
    }

    @Test
    void fourAssociationsAreServedAtOnce() throws Exception {
        RecordingStoreHandler handler = new RecordingStoreHandler(directory);
        int parallel = 4;
        CyclicBarrier allInside = new CyclicBarrier(parallel);
        Set<Long> associationsSeen = ConcurrentHashMap.newKeySet();
        AtomicInteger barrierFailures = new AtomicInteger();
        handler.beforeReading = request -> {
            if (associationsSeen.add(request.associationSerial())) { // first object of each association
                try {
                    allInside.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                    barrierFailures.incrementAndGet();
                }
            }
        };
        try (TestAcceptor scp = new TestAcceptor(handler, Set.of("*"), parallel, 116794, Duration.ofSeconds(30))) {
            ExecutorService peers = Executors.newFixedThreadPool(parallel);
            try {
                List<Future<Dcmtk.Result>> runs = new ArrayList<>();
                for (int i = 0; i < parallel; i++) {
                    String callingAe = "PEER" + i;
                    runs.add(peers.submit(() -> Dcmtk.run(Dcmtk.DEFAULT_TIMEOUT, Dcmtk.command("storescu", "-aet",
                            callingAe, "-aec", TestAcceptor.AE_TITLE, "127.0.0.1", scp.port(), THREE_OBJECTS))));
                }
                for (Future<Dcmtk.Result> run : runs) {
                    Dcmtk.Result result = run.get(60, TimeUnit.SECONDS);
                    assertTrue(result.succeeded() && !result.output().contains("Store Failed"), result.toString());
                }
            } finally {
                peers.shutdownNow();
            }
        }
        assertEquals(0, barrierFailures.get(), "all four associations were inside the handler at the same time");
        assertEquals(parallel, associationsSeen.size());
        assertEquals(parallel * THREE_OBJECTS.size(), handler.received().size());
        for (Received object : handler.received()) {
            Path source = THREE_OBJECTS.stream().filter(p -> sopInstanceUid(p).equals(object.request().sopInstanceUid()))
                    .findFirst().orElseThrow();
            assertArrayEquals(dataSet(source), object.bytes(), source.toString());
        }
    }

    @Test
    void smallMaximumPduLengthOnOurSide() throws Exception {
        RecordingStoreHandler handler = new RecordingStoreHandler(directory);
        try (TestAcceptor scp = new TestAcceptor(handler, Set.of("*"), 4, 4096, Duration.ofSeconds(30))) {
            Dcmtk.Result storescu = storescu(scp, "-xi", "--max-pdu", "4096", List.of(LARGE_OBJECT));
            assertTrue(storescu.succeeded() && !storescu.output().contains("Store Failed"), storescu.toString());
            assertEquals(1, handler.received().size());
            assertArrayEquals(dataSet(LARGE_OBJECT), handler.received().get(0).bytes());
        }
    }

    /** Our sending side, fragmenting to a 4096-byte peer maximum, checked by dcmtk's storescp in bit-preserving mode. */
    @Test
    void smallMaximumPduLengthOnThePeerSide() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path received = Files.createDirectory(directory.resolve("storescp"));
        byte[] dataSet = dataSet(LARGE_OBJECT);
        String sopClass = "1.2.840.10008.5.1.4.1.1.7";
        String sopInstance = sopInstanceUid(LARGE_OBJECT);
        try (Dcmtk.Background storescp = new Dcmtk.Background(Dcmtk.command("storescp", "-aet", "STORESCP",
                "--max-pdu", "4096", "+B", "-F", "-od", received, port))) {
            Dcmtk.awaitListening(port);
            Association association = Requests.open(port, Requests.request("GLASSBOX", "STORESCP", 116794,
                    context(1, sopClass, TransferSyntaxes.IMPLICIT_VR_LITTLE_ENDIAN)));
            assertEquals(4096, association.sendMaxPduLength());
            PresentationContext pc = association.presentationContext(1);
            association.send(pc, Command.storeRequest(1, sopClass, sopInstance, Command.PRIORITY_MEDIUM),
                    new ByteArrayInputStream(dataSet));
            DimseMessage response = association.readMessage();
            assertEquals(Command.C_STORE_RSP, response.command().commandField());
            assertEquals(DimseStatus.SUCCESS, response.command().status(), storescp.output());
            assertEquals(sopInstance, response.command().affectedSopInstanceUid());
            association.release();
            try (Stream<Path> files = Files.list(received)) {
                List<Path> written = files.toList();
                assertEquals(1, written.size(), storescp.output());
                assertArrayEquals(dataSet, Files.readAllBytes(written.get(0)));
            }
        }
    }

    private static Dcmtk.Result storescu(TestAcceptor scp, String option1, String option2, List<Path> files) {
        return Dcmtk.run(Dcmtk.DEFAULT_TIMEOUT, Dcmtk.command("storescu", option1, option2, "-aec",
                TestAcceptor.AE_TITLE, "127.0.0.1", scp.port(), files));
    }

    /** The C-STORE response statuses storescu -d reports, in order. */
    private static List<Integer> responseStatuses(Dcmtk.Result storescu) {
        return Pattern.compile("DIMSE Status\\s+: 0x([0-9a-fA-F]{4})").matcher(storescu.output()).results()
                .map(m -> Integer.parseInt(m.group(1), 16)).toList();
    }

    /** The Error Comments of the responses storescu -d reports, in order. */
    private static List<String> errorComments(Dcmtk.Result storescu) {
        return Pattern.compile("\\(0000,0902\\) LO \\[(.*)\\]").matcher(storescu.output()).results()
                .map(m -> m.group(1)).toList();
    }

    private static Dcmtk.Result storescu(TestAcceptor scp, String option1, String option2, String option3,
                                         List<Path> files) {
        return Dcmtk.run(Dcmtk.DEFAULT_TIMEOUT, Dcmtk.command("storescu", option1, option2, option3, "-aec",
                TestAcceptor.AE_TITLE, "127.0.0.1", scp.port(), files));
    }

    public static String sopInstanceUid(Path file) {
        try {
            com.pixelmed.dicom.AttributeList list = new com.pixelmed.dicom.AttributeList();
            list.read(file.toString(), com.pixelmed.dicom.TagFromName.PixelData);
            return com.pixelmed.dicom.Attribute.getSingleStringValueOrEmptyString(list,
                    com.pixelmed.dicom.TagFromName.SOPInstanceUID);
        } catch (IOException | com.pixelmed.dicom.DicomException e) {
            throw new IllegalStateException(file.toString(), e);
        }
    }

    static byte[] dataSet(Path file) throws IOException {
        return Part10.dataSet(file);
    }
}
