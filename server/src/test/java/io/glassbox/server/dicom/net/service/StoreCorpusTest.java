package io.glassbox.server.dicom.net.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.glassbox.server.testing.PydicomCorpus;
import io.glassbox.server.testing.PydicomCorpus.CorpusFile;
import io.glassbox.server.dicom.net.service.RecordingStoreHandler.Received;
import io.glassbox.server.testing.Dcmtk;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file of the pydicom corpus that has pixel data, sent by dcmtk's storescu in its own transfer syntax, must
 * reach the store handler as exactly the bytes storescu put on the wire: the file's data set bytes, or, where
 * storescu itself re-encodes the data set while sending (it drops group lengths, re-deflates), exactly what
 * dcmtk's own storescp receives from it in bit-preserving mode.
 */
class StoreCorpusTest {

    private static final Map<String, String> PROPOSE = Dcmtk.PROPOSE_FIRST;

    @TempDir
    Path received;
    @TempDir
    Path reference;

    @Test
    void everyCorpusFileWithPixelDataArrivesAsSent() throws Exception {
        List<CorpusFile> corpus = PydicomCorpus.filesWithPixelData();
        assertFalse(corpus.isEmpty(), "the pydicom corpus lists no file with pixel data");
        Map<String, List<CorpusFile>> byTransferSyntax = new LinkedHashMap<>();
        for (CorpusFile file : corpus) {
            byTransferSyntax.computeIfAbsent(file.transferSyntaxUid(), ts -> new ArrayList<>()).add(file);
        }
        List<String> identicalToFile = new ArrayList<>();
        List<String> reencodedByStorescu = new ArrayList<>();
        List<String> refusedByStorescu = new ArrayList<>();
        RecordingStoreHandler handler = new RecordingStoreHandler(received);
        try (TestAcceptor scp = TestAcceptor.standard(handler)) {
            for (Map.Entry<String, List<CorpusFile>> group : byTransferSyntax.entrySet()) {
                String option = PROPOSE.get(group.getKey());
                if (option == null) {
                    fail("no storescu option known to propose " + group.getKey() + " first, used by " + group.getValue());
                }
                handler.clear();
                Dcmtk.Result storescu = Dcmtk.run(Dcmtk.DEFAULT_TIMEOUT, Dcmtk.command("storescu", "-R", "-nh",
                        "-aet", "STORESCU", "-aec", TestAcceptor.AE_TITLE, option, "127.0.0.1", scp.port(),
                        group.getValue().stream().map(f -> f.path().toString()).toList()));
                List<CorpusFile> sent = new ArrayList<>();
                for (CorpusFile file : group.getValue()) {
                    if (refusedToRead(storescu.output(), file)) {
                        refusedByStorescu.add(file.name());
                    } else {
                        sent.add(file);
                    }
                }
                List<Received> arrived = handler.received();
                assertEquals(sent.size(), arrived.size(), "objects stored for " + group.getKey() + ":\n" + storescu);
                assertFalse(storescu.output().contains("Store Failed"), storescu.toString());
                for (int i = 0; i < sent.size(); i++) { // storescu sends in command-line order, one association
                    CorpusFile file = sent.get(i);
                    Received object = arrived.get(i);
                    assertEquals(file.sopInstanceUid(), object.request().sopInstanceUid(), file.name());
                    assertEquals(file.sopClassUid(), object.request().sopClassUid(), file.name());
                    assertEquals(file.transferSyntaxUid(), object.request().transferSyntaxUid(),
                            file.name() + " must arrive in its own transfer syntax");
                    assertEquals("STORESCU", object.request().callingAeTitle());
                    byte[] bytes = object.bytes();
                    if (Arrays.equals(file.dataSet(), bytes)) {
                        identicalToFile.add(file.name());
                    } else {
                        byte[] onTheWire = receivedByDcmtkStorescp(file, option);
                        assertFalse(Arrays.equals(file.dataSet(), onTheWire),
                                file.name() + ": storescp received the file's bytes but we did not");
                        assertArrayEquals(onTheWire, bytes, file.name() + ": differs from what storescp +B received");
                        reencodedByStorescu.add(file.name());
                    }
                }
            }
        }
        System.out.printf("pydicom corpus, %d files with pixel data in %d transfer syntaxes: %d byte-identical to the "
                        + "file, %d re-encoded by storescu itself and identical to what storescp +B received %s, "
                        + "%d unreadable to storescu %s%n", corpus.size(), byTransferSyntax.size(), identicalToFile.size(),
                reencodedByStorescu.size(), reencodedByStorescu, refusedByStorescu.size(), refusedByStorescu);
        assertTrue(identicalToFile.size() > corpus.size() / 2, "most files must arrive byte for byte: " + identicalToFile);
    }

    /** storescu names a file it cannot parse ("Bad DICOM file: X" or "... in file: X, ignoring file"). */
    private static boolean refusedToRead(String storescuOutput, CorpusFile file) {
        String path = file.path().toString();
        return storescuOutput.lines().anyMatch(line -> line.contains(path)
                && (line.contains("Bad DICOM file") || line.contains("ignoring file")));
    }

    /** The data set dcmtk's storescp, bit-preserving, receives when storescu sends this file. */
    private byte[] receivedByDcmtkStorescp(CorpusFile file, String option) throws Exception {
        return Dcmtk.dataSetReceivedByStorescp(file.path(), option, reference);
    }
}
