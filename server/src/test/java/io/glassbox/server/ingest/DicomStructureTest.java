package io.glassbox.server.ingest;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.glassbox.server.testing.TestCorpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The structure check against dcmtk: every sample of broken structure is refused, every well-formed corpus file is
 * still accepted, and over a seeded set of structural mutations inside sequences (in implicit VR, explicit VR
 * little and big endian) the check refuses whatever {@code dcmdump} refuses.
 */
class DicomStructureTest {

    /** The malformed samples shared by the project (issue 8), from the server module's directory. */
    static final Path MALFORMED_SAMPLES = Path.of("../../shared/samples/malformed");

    static Stream<Path> malformedSamples() throws IOException {
        try (Stream<Path> files = Files.list(MALFORMED_SAMPLES)) {
            List<Path> list = files.filter(Files::isRegularFile).sorted().toList();
            assertTrue(!list.isEmpty(), "no samples in " + MALFORMED_SAMPLES.toAbsolutePath());
            return list.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("malformedSamples")
    void everyMalformedSampleIsRefused(Path sample) {
        assertTrue(dcmdumpRejects(sample), "dcmdump reads " + sample + " without error; not a malformed sample");
        DicomStructure.MalformedException e = assertThrows(DicomStructure.MalformedException.class,
                () -> DicomStructure.check(sample));
        assertTrue(e.getMessage().contains("(at byte "), e.getMessage());
    }

    /** Found by DicomStructureFuzzTest: accepted by the check, refused by dcmdump, unreadable for PixelMed. */
    @Test
    void aDataSetDeclaredExplicitButWrittenImplicitIsRefused() {
        Path file = TestCorpus.file("SC_rgb_jpeg.dcm");
        assertTrue(dcmdumpRejects(file), "dcmdump reads " + file);
        DicomStructure.MalformedException e = assertThrows(DicomStructure.MalformedException.class,
                () -> DicomStructure.check(file));
        assertTrue(e.getMessage().contains("unknown VR"), e.getMessage());
    }

    /** A deflate stream cut short or corrupted is a refusal like any other, not an I/O error. */
    @Test
    void aBrokenDeflateStreamIsRefused(@TempDir Path dir) throws Exception {
        byte[] deflated = Deflated.of(Files.readAllBytes(TestCorpus.file("reportsi.dcm")));
        int dataSet = io.glassbox.server.testing.Part10.dataSetOffset(deflated);
        byte[] cut = Arrays.copyOf(deflated, dataSet + (deflated.length - dataSet) / 2);
        byte[] corrupted = deflated.clone();
        for (int k = dataSet + 10; k < dataSet + 40; k++) {
            corrupted[k] = (byte) 0xFF;
        }
        for (byte[] broken : List.of(cut, corrupted)) {
            Path file = Files.write(dir.resolve("broken.dcm"), broken);
            assertTrue(dcmdumpRejects(file));
            assertThrows(DicomStructure.MalformedException.class, () -> DicomStructure.check(file));
        }
    }

    /** Found by DicomStructureFuzzTest: dcmtk ignores them, PixelMed then fails on the sequence. */
    @Test
    void reservedBytesOtherThanZeroAreRefused() throws Exception {
        Path file = Path.of("src/test/resources/io/glassbox/server/ingest/DicomStructureFuzzTestInputs/"
                + "structureCheck/sequence_reserved_bytes_not_zero.dcm");
        DicomStructure.MalformedException e = assertThrows(DicomStructure.MalformedException.class,
                () -> DicomStructure.check(file));
        assertTrue(e.getMessage().contains("reserved bytes of (300A,00B6) are FAFF"), e.getMessage());
    }

    /**
     * A File Meta Information Group Length (0002,0000) that does not count the meta elements after it, as writers
     * that edit a read file's meta leave it (PixelMed does): the meta is read element by element, the data set
     * starts where it really starts, and PixelMed reads the file the same way.
     */
    @Test
    void aStaleFileMetaGroupLengthIsReadElementByElement(@TempDir Path dir) throws Exception {
        byte[] original = Files.readAllBytes(TestCorpus.file("CT_small.dcm"));
        // (0002,0000) UL, 4: the first meta element, its value at bytes 140..143
        assertEquals("02000000554c0400", java.util.HexFormat.of().formatHex(original, 132, 140));
        long counted = (original[140] & 0xFFL) | (original[141] & 0xFFL) << 8 | (original[142] & 0xFFL) << 16
                | (original[143] & 0xFFL) << 24;
        long dataSet = DicomStructure.check(TestCorpus.file("CT_small.dcm")).datasetOffset();
        for (long stale : new long[] {counted - 2, counted + 22}) {
            byte[] mutated = original.clone();
            mutated[140] = (byte) stale;
            mutated[141] = (byte) (stale >>> 8);
            Path file = Files.write(dir.resolve("group-length-" + stale + ".dcm"), mutated);
            assertEquals(dataSet, DicomStructure.check(file).datasetOffset(), "group length " + stale);
            com.pixelmed.dicom.AttributeList list = new com.pixelmed.dicom.AttributeList();
            list.read(file.toString());
            assertEquals("1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322",
                    com.pixelmed.dicom.Attribute.getSingleStringValueOrNull(list,
                            com.pixelmed.dicom.TagFromName.SOPInstanceUID), "group length " + stale);
        }
    }

    /** Found by DicomStructureFuzzTest: a file meta element written as a sequence, which dcmdump and PixelMed refuse. */
    @Test
    void aFileMetaElementWrittenAsASequenceIsRefused(@TempDir Path dir) throws Exception {
        byte[] bytes = Files.readAllBytes(TestCorpus.file("CT_small.dcm"));
        // (0002,0001) File Meta Information Version, OB, right after the group length
        assertEquals("020001004f42", java.util.HexFormat.of().formatHex(bytes, 144, 150));
        bytes[148] = 'S';
        bytes[149] = 'Q';
        Path file = Files.write(dir.resolve("meta-sequence.dcm"), bytes);
        assertTrue(dcmdumpRejects(file), "dcmdump reads " + file);
        DicomStructure.MalformedException e = assertThrows(DicomStructure.MalformedException.class,
                () -> DicomStructure.check(file));
        assertTrue(e.getMessage().contains("(0002,0001) is a sequence"), e.getMessage());
    }

    static List<String> corpus() {
        return TestCorpus.withPixelData();
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void everyWellFormedCorpusFileIsAccepted(String name) {
        assertDoesNotThrow(() -> DicomStructure.check(TestCorpus.file(name)));
    }

    /** Corpus files with sequences (the last one a UN sequence), one per encoding. */
    static final List<String> MUTATION_SOURCES = List.of("rtplan.dcm", "rtdose.dcm", "rtdose_expb.dcm",
            "reportsi.dcm", "test-SR.dcm", "liver_expb_1frame.dcm", "waveform_ecg.dcm", "UN_sequence.dcm");
    static final int MUTATIONS_PER_SOURCE = 50;
    static final long SEED = 8_2026L;

    @Test
    void whateverDcmdumpRefusesTheCheckRefuses(@TempDir Path dir) throws Exception {
        Differential d = new Differential(dir, new Random(SEED));
        for (String source : MUTATION_SOURCES) {
            d.mutate(source, MUTATIONS_PER_SOURCE, false);
        }
        d.assertAgreement(300);
    }

    /** The same mutations in a deflated data set (explicit VR little endian, then deflated, PS3.5 A.5). */
    @Test
    void whateverDcmdumpRefusesInADeflatedDataSetTheCheckRefuses(@TempDir Path dir) throws Exception {
        Differential d = new Differential(dir, new Random(SEED));
        for (String source : List.of("reportsi.dcm", "test-SR.dcm")) {
            d.mutate(source, 30, true);
        }
        d.assertAgreement(60);
    }

    /** Mutates corpus files, asks dcmdump and the check about each, and keeps count of where they disagree. */
    private static final class Differential {
        final Path dir;
        final Random random;
        int total;
        int refusedByDcmdump;
        int refusedOnlyByCheck;
        final List<String> missed = new ArrayList<>();

        Differential(Path dir, Random random) {
            this.dir = dir;
            this.random = random;
        }

        void mutate(String source, int count, boolean deflate) throws Exception {
            byte[] good = Files.readAllBytes(TestCorpus.file(source));
            String ts = StructureSites.transferSyntax(good);
            Path original = dir.resolve("original_" + source);
            Files.write(original, deflate ? Deflated.of(good) : good);
            assertTrue(!dcmdumpRejects(original), "dcmdump refuses the unmutated " + original);
            assertDoesNotThrow(() -> DicomStructure.check(original), source);
            List<StructureSites.Site> sites = StructureSites.of(good, ts);
            assertTrue(sites.size() >= 4, source + " has too few sequence sites: " + sites.size());
            List<Mutation> candidates = new ArrayList<>();
            for (StructureSites.Site site : sites) {
                candidates.addAll(Mutation.at(site, good.length));
            }
            Collections.shuffle(candidates, random);
            for (Mutation m : candidates.subList(0, Math.min(count, candidates.size()))) {
                byte[] bad = m.apply(good);
                Path file = dir.resolve(String.format("%03d_%s", total++, source));
                Files.write(file, deflate ? Deflated.of(bad) : bad);
                boolean dcmtkRefuses = dcmdumpRejects(file);
                boolean checkRefuses;
                try {
                    DicomStructure.check(file);
                    checkRefuses = false;
                } catch (DicomStructure.MalformedException e) {
                    checkRefuses = true;
                } catch (IOException | RuntimeException e) {
                    throw new AssertionError("the check threw " + e + " on " + source + " " + m, e);
                }
                if (dcmtkRefuses) {
                    refusedByDcmdump++;
                    if (!checkRefuses) {
                        missed.add(source + (deflate ? " deflated " : " ") + m);
                    }
                } else if (checkRefuses) {
                    refusedOnlyByCheck++;
                }
            }
        }

        void assertAgreement(int atLeast) {
            System.out.printf("structure mutations: %d, refused by dcmdump %d, refused only by the check %d, "
                    + "missed %d%n", total, refusedByDcmdump, refusedOnlyByCheck, missed.size());
            assertTrue(total >= atLeast, "too few mutations: " + total);
            assertTrue(refusedByDcmdump >= total / 3, "too few mutations broke the structure: " + refusedByDcmdump);
            assertEquals(List.of(), missed, "acknowledged what dcmdump refuses");
        }
    }

    /** One structural change: a length field changed by a delta or set to a value, a delimiter removed, a cut. */
    record Mutation(String what, Op op, int offset, int width, boolean bigEndian, long value) {

        enum Op { ADD, SET, REMOVE_DELIMITER, CUT }

        static List<Mutation> at(StructureSites.Site site, int fileLength) {
            List<Mutation> list = new ArrayList<>();
            String kind = site.kind().toString().toLowerCase(java.util.Locale.ROOT);
            switch (site.kind()) {
                case ITEM_DELIMITER, SEQUENCE_DELIMITER -> list.add(
                        new Mutation(kind + " removed", Op.REMOVE_DELIMITER, site.offset(), 8, false, 0));
                default -> {
                    for (int delta : new int[] {-8, -4, -2, -1, 1, 2, 4, 8}) {
                        list.add(new Mutation(kind + (delta > 0 ? " +" : " ") + delta, Op.ADD, site.offset(),
                                site.width(), site.bigEndian(), delta));
                    }
                    list.add(new Mutation(kind + " set to all ones (undefined)", Op.SET, site.offset(), site.width(),
                            site.bigEndian(), 0xFFFFFFFFL));
                    if (site.width() == 4) {
                        list.add(new Mutation(kind + " set to 0xFFFFFFF0", Op.SET, site.offset(), 4, site.bigEndian(),
                                0xFFFFFFF0L));
                    }
                }
            }
            // A cut a little after the site: inside the sequence, at a place that varies from site to site.
            int cut = site.offset() + 1 + Math.floorMod(site.offset() * 7919, 64);
            if (cut < fileLength) {
                list.add(new Mutation("cut after " + kind, Op.CUT, site.offset(), 0, false, cut));
            }
            return list;
        }

        byte[] apply(byte[] good) {
            switch (op) {
                case CUT:
                    return Arrays.copyOf(good, (int) value);
                case REMOVE_DELIMITER: {
                    byte[] out = new byte[good.length - width];
                    System.arraycopy(good, 0, out, 0, offset);
                    System.arraycopy(good, offset + width, out, offset, good.length - offset - width);
                    return out;
                }
                default: {
                    byte[] out = good.clone();
                    long length = op == Op.ADD ? read(out) + value : value;
                    write(out, length);
                    return out;
                }
            }
        }

        private long read(byte[] b) {
            long v = 0;
            for (int i = 0; i < width; i++) {
                int at = bigEndian ? offset + i : offset + width - 1 - i;
                v = v << 8 | (b[at] & 0xFF);
            }
            return v;
        }

        /** Writes the low {@code width} bytes of {@code v} (so all ones is 0xFFFF in a 16-bit field). */
        private void write(byte[] b, long v) {
            for (int i = 0; i < width; i++) {
                int at = bigEndian ? offset + width - 1 - i : offset + i;
                b[at] = (byte) (v >>> (8 * i));
            }
        }

        @Override
        public String toString() {
            return what + " at byte " + offset;
        }
    }

    /** dcmdump with its default, strict parsing: exit status 1 is a parse error (its dump itself is discarded). */
    static boolean dcmdumpRejects(Path file) {
        try {
            Process p = new ProcessBuilder("dcmdump", "-q", file.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("dcmdump did not finish within 20 s on " + file);
            }
            if (p.exitValue() != 0 && p.exitValue() != 1) {
                fail("dcmdump ended with status " + p.exitValue() + " on " + file);
            }
            return p.exitValue() == 1;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run dcmdump (apt-get install dcmtk)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
