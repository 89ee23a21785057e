package io.glassbox.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.Deflater;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateCtSeriesTest {

    @TempDir
    Path dir;

    @Test
    void writesCtPart10FilesThatPixelMedReadsBack() throws Exception {
        List<Path> files = new GenerateCtSeries(dir, 7).generate(5, 2);
        assertEquals(5, files.size());

        Set<String> studies = new HashSet<>();
        Set<String> instances = new HashSet<>();
        for (Path file : files) {
            AttributeList list = new AttributeList();
            list.read(file.toFile());
            assertEquals(TransferSyntax.ExplicitVRLittleEndian,
                    Attribute.getSingleStringValueOrEmptyString(list, TagFromName.TransferSyntaxUID));
            assertEquals(SOPClass.CTImageStorage,
                    Attribute.getSingleStringValueOrEmptyString(list, TagFromName.SOPClassUID));
            assertEquals(Attribute.getSingleStringValueOrEmptyString(list, TagFromName.SOPInstanceUID),
                    Attribute.getSingleStringValueOrEmptyString(list, TagFromName.MediaStorageSOPInstanceUID));
            assertEquals(512, Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0));
            assertEquals(512, Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0));
            assertEquals(1, Attribute.getSingleIntegerValueOrDefault(list, TagFromName.PixelRepresentation, 0));
            assertEquals("MONOCHROME2",
                    Attribute.getSingleStringValueOrEmptyString(list, TagFromName.PhotometricInterpretation));
            assertEquals(512 * 512, list.get(TagFromName.PixelData).getShortValues().length);
            studies.add(Attribute.getSingleStringValueOrEmptyString(list, TagFromName.StudyInstanceUID));
            instances.add(Attribute.getSingleStringValueOrEmptyString(list, TagFromName.SOPInstanceUID));
        }
        assertEquals(2, studies.size(), "5 instances over 2 studies");
        assertEquals(5, instances.size(), "every SOP Instance UID is new");
    }

    @Test
    void pixelsArePlausibleHeadCtAndDifferSliceBySlice() throws Exception {
        List<Path> files = new GenerateCtSeries(dir, 11).generate(3, 1);
        short[] first = pixels(files.get(0));
        short[] middle = pixels(files.get(1));
        assertNotEquals(java.util.Arrays.hashCode(first), java.util.Arrays.hashCode(middle));

        // HU = stored + intercept: air at the corner, brain-like tissue at the centre, bone somewhere between.
        int intercept = GenerateCtSeries.RESCALE_INTERCEPT;
        int centre = 256 * 512 + 256;
        double brain = mean(middle, centre - 2, centre + 3) + intercept;
        assertTrue(brain > 0 && brain < 60, "centre of the head is soft tissue, got " + brain + " HU");
        assertTrue(middle[0] + intercept < -900, "corner is air");
        int maxHu = Short.MIN_VALUE;
        for (short value : middle) {
            maxHu = Math.max(maxHu, value + intercept);
        }
        assertTrue(maxHu > 1200, "a skull is present, max " + maxHu + " HU");

        // Noise keeps it about as compressible as real CT (lossless ~2-3x), not a flat image's 10x and more.
        byte[] raw = Files.readAllBytes(files.get(1));
        assertTrue(deflatedSize(raw) > raw.length / 3, "deflated to " + deflatedSize(raw) + " of " + raw.length);
    }

    @Test
    void dciodvfyFindsNoErrorInTheCtImageIod() throws Exception {
        Path file = new GenerateCtSeries(dir, 5).generate(1, 1).get(0);
        Process process;
        try {
            process = new ProcessBuilder("dciodvfy", file.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            throw new AssertionError("dciodvfy not found: apt-get install dicom3tools", e);
        }
        String report = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "dciodvfy finished");
        assertTrue(report.contains("CTImage"), "dciodvfy recognised a CT Image: " + report);
        assertTrue(report.lines().noneMatch(line -> line.startsWith("Error")), report);
    }

    @Test
    void theSeedFixesThePixels() throws Exception {
        short[] a = pixels(new GenerateCtSeries(dir.resolve("a"), 3).generate(1, 1).get(0));
        short[] b = pixels(new GenerateCtSeries(dir.resolve("b"), 3).generate(1, 1).get(0));
        short[] c = pixels(new GenerateCtSeries(dir.resolve("c"), 4).generate(1, 1).get(0));
        assertArrayEquals(a, b);
        assertNotEquals(java.util.Arrays.hashCode(a), java.util.Arrays.hashCode(c));
    }

    private static short[] pixels(Path file) throws Exception {
        AttributeList list = new AttributeList();
        list.read(file.toFile());
        return list.get(TagFromName.PixelData).getShortValues();
    }

    private static double mean(short[] values, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += values[i];
        }
        return sum / (to - from);
    }

    private static int deflatedSize(byte[] data) {
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        deflater.setInput(data);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[65536];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.size();
    }
}
