package io.glassbox.server.plugins;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pixelmed.dicom.AttributeList;
import io.glassbox.plugin.api.DecodedImage;
import io.glassbox.server.testing.TestCorpus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * What plugins receive: modality values exactly as an independent reading (pydicom parsing, the Pixel Data
 * unpacked and rescaled by src/test/resources/pydicom_modality_values.py) gives them, whatever the byte order
 * or lossless compression the object was stored in.
 */
class FrameDecoderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"CT_small.dcm", "MR_small.dcm", "MR_small_bigendian.dcm", "MR_small_padded.dcm"})
    void greyscaleFramesArriveAsModalityValues(String name) throws Exception {
        Path file = TestCorpus.file(name);
        JsonNode expected = independent(file, 1);
        DecodedImage image = FrameDecoder.decode(FrameDecoder.read(file), 1, "id");
        assertEquals(expected.path("columns").asInt(), image.width());
        assertEquals(expected.path("rows").asInt(), image.height());
        assertEquals(1, image.samplesPerPixel());
        assertArrayEquals(values(expected), image.pixels(), name);
    }

    @Test
    void ctArrivesInHounsfieldUnitsWithTheAttributesAPluginNeeds() throws Exception {
        DecodedImage ct = FrameDecoder.decode(FrameDecoder.read(TestCorpus.file("CT_small.dcm")), 1, "ct");
        float min = Float.MAX_VALUE;
        for (float v : ct.pixels()) {
            min = Math.min(min, v);
        }
        assertTrue(min < -500, "air in HU is far below zero (rescale intercept -1024 applied): " + min);
        assertEquals("CT", ct.attributes().string("Modality").orElseThrow());
        assertEquals(-1024.0, ct.attributes().number("RescaleIntercept").orElseThrow());
        assertEquals(2, ct.attributes().strings("PixelSpacing").size());
        assertEquals(6, ct.attributes().strings("ImageOrientationPatient").size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"MR_small_RLE.dcm", "MR_small_jp2klossless.dcm", "MR_small_jpeg_ls_lossless.dcm"})
    void losslessCompressionDecodesToTheSameValues(String name) throws Exception {
        float[] reference = FrameDecoder.decode(FrameDecoder.read(TestCorpus.file("MR_small.dcm")), 1, "a").pixels();
        try {
            DecodedImage image = FrameDecoder.decode(FrameDecoder.read(TestCorpus.file(name)), 1, "b");
            assertArrayEquals(reference, image.pixels(), name);
        } catch (FrameDecoder.UndecodableException e) {
            // A codec this machine lacks is a clear, named refusal, never wrong pixels.
            assertTrue(e.getMessage().contains("1.2.840.10008.1.2.4.80"), e.getMessage());
        }
    }

    @Test
    void everyFrameOfAMultiFrameColourImageIsDecoded() throws Exception {
        AttributeList list = FrameDecoder.read(TestCorpus.file("SC_rgb_rle_2frame.dcm"));
        assertEquals(2, FrameDecoder.frames(list));
        DecodedImage first = FrameDecoder.decode(list, 1, "f1");
        DecodedImage second = FrameDecoder.decode(list, 2, "f2");
        assertEquals(3, first.samplesPerPixel());
        DecodedImage single = FrameDecoder.decode(FrameDecoder.read(TestCorpus.file("SC_rgb_rle.dcm")), 1, "s");
        assertArrayEquals(single.pixels(), first.pixels(), "frame 1 is the single-frame file's image");
        assertNotEquals(List.of(first.pixels()), List.of(second.pixels()));
        for (float v : second.pixels()) {
            assertTrue(v >= 0 && v <= 255);
        }
        assertThrows(FrameDecoder.UndecodableException.class, () -> FrameDecoder.decode(list, 3, "f3"));
    }

    @Test
    void colourArrivesAsRgbWhateverItWasStoredAs() throws Exception {
        DecodedImage ybr = FrameDecoder.decode(FrameDecoder.read(
                TestCorpus.file("SC_ybr_full_422_uncompressed.dcm")), 1, "ybr");
        DecodedImage rgb = FrameDecoder.decode(FrameDecoder.read(TestCorpus.file("SC_rgb_dcmtk_+eb+cr.dcm")), 1,
                "rgb");
        assertEquals(3, ybr.samplesPerPixel());
        assertEquals(ybr.width(), rgb.width());
        // The same test pattern: converted YBR lands within a few levels of the RGB original (4:2:2 subsampling).
        double error = 0;
        for (int i = 0; i < rgb.pixels().length; i++) {
            error += Math.abs(rgb.pixels()[i] - ybr.pixels()[i]);
        }
        assertTrue(error / rgb.pixels().length < 8, "mean difference " + error / rgb.pixels().length);
    }

    @Test
    void anObjectWithoutPixelsIsRefusedWithItsReason() throws Exception {
        FrameDecoder.UndecodableException e = assertThrows(FrameDecoder.UndecodableException.class,
                () -> FrameDecoder.decode(FrameDecoder.read(TestCorpus.file("reportsi.dcm")), 1, "sr"));
        assertTrue(e.getMessage().contains("no pixel data"), e.getMessage());
    }

    private static JsonNode independent(Path file, int frame) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/usr/bin/python3", "src/test/resources/pydicom_modality_values.py",
                file.toString(), Integer.toString(frame)).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("pydicom failed on " + file + ": " + err);
        }
        return JSON.readTree(out);
    }

    private static float[] values(JsonNode expected) {
        JsonNode v = expected.path("values");
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) v.get(i).asDouble();
        }
        return out;
    }
}
