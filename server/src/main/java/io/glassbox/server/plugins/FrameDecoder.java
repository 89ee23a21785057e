package io.glassbox.server.plugins;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.ModalityTransform;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.display.SourceImage;
import io.glassbox.plugin.api.DecodedImage;
import io.glassbox.plugin.api.ImageAttributes;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a stored image into what a plugin receives ({@link DecodedImage}): every frame decoded with PixelMed (its
 * codecs decompress the pixel data), greyscale frames as modality values (the Modality LUT's rescale applied, per
 * frame for enhanced multi-frame objects, so CT arrives in Hounsfield units), colour frames as R, G, B (YBR
 * converted, palette colour looked up). Windowing is not applied here: the plugin's manifest says which window it
 * takes, and the plugin applies it ({@code InputPreprocessor}). MONOCHROME1 is not inverted either: modality values
 * mean the same whatever the display polarity; the attributes tell the plugin which it was.
 */
public final class FrameDecoder {

    /** The attributes copied to every decoded image (those present), by DICOM keyword. */
    static final List<String> ATTRIBUTES = List.of("SOPClassUID", "SOPInstanceUID", "SeriesInstanceUID",
            "StudyInstanceUID", "Modality", "BodyPartExamined", "SeriesDescription", "ImageType", "Manufacturer",
            "ManufacturerModelName", "PhotometricInterpretation", "BitsStored", "PixelRepresentation",
            "RescaleSlope", "RescaleIntercept", "RescaleType", "WindowCenter", "WindowWidth", "PixelPaddingValue",
            "PixelSpacing", "SliceThickness", "ImagePositionPatient", "ImageOrientationPatient", "KVP",
            "ConvolutionKernel", "InstanceNumber", "NumberOfFrames", "PatientSex", "PatientAge");

    private FrameDecoder() {
    }

    /** The object's pixel data could not be decoded here: the reason says why, in words a reader understands. */
    public static final class UndecodableException extends Exception {
        private static final long serialVersionUID = 1L;

        UndecodableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Reads the whole object, decompressing its pixel data with the codecs PixelMed finds. */
    public static AttributeList read(Path file) throws IOException, UndecodableException {
        AttributeList list = new AttributeList();
        try {
            list.read(file.toString());
        } catch (DicomException e) {
            throw new UndecodableException("PixelMed cannot read it: " + e.getMessage(), e);
        }
        return list;
    }

    /** Number of frames (1 for a single-frame image). */
    public static int frames(AttributeList list) {
        return Math.max(1, Attribute.getSingleIntegerValueOrDefault(list, TagFromName.NumberOfFrames, 1));
    }

    /** Decodes frame {@code frameNumber} (from 1) of an object; for several frames, {@link #open} it once. */
    public static DecodedImage decode(AttributeList list, int frameNumber, String imageId)
            throws UndecodableException {
        return open(list, attributes(list)).frame(frameNumber, imageId);
    }

    /**
     * An object ready to decode: PixelMed's decoder and the attributes plugins see, made once for all its frames.
     *
     * @param attributes the object's {@link FrameDecoder#attributes}, handed to every frame
     */
    public static Frames open(AttributeList list, ImageAttributes attributes) throws UndecodableException {
        if (list.getPixelData() == null) {
            throw new UndecodableException("it has no pixel data", null);
        }
        try {
            return new Frames(list, new SourceImage(list), attributes);
        } catch (DicomException | RuntimeException e) {
            throw new UndecodableException("its pixel data cannot be decoded (transfer syntax "
                    + transferSyntax(list) + "): " + e, e);
        }
    }

    /** The decodable frames of one object. */
    public record Frames(AttributeList list, SourceImage source, ImageAttributes attributes) {

        /**
         * Decodes frame {@code frameNumber} (from 1).
         *
         * @param imageId what the plugin's result will refer to
         */
        public DecodedImage frame(int frameNumber, String imageId) throws UndecodableException {
            if (frameNumber < 1 || frameNumber > source.getNumberOfBufferedImages()) {
                throw new UndecodableException("PixelMed decoded " + source.getNumberOfBufferedImages()
                        + " frames; frame " + frameNumber + " is not among them", null);
            }
            BufferedImage frame;
            try {
                frame = source.getBufferedImage(frameNumber - 1);
            } catch (RuntimeException e) {
                throw new UndecodableException("its pixel data cannot be decoded (transfer syntax "
                        + transferSyntax(list) + "): " + e, e);
            }
            if (frame == null) {
                throw new UndecodableException("PixelMed could not decode frame " + frameNumber + " (transfer syntax "
                        + transferSyntax(list) + ")", null);
            }
            return FrameDecoder.frame(source, frame, frameNumber, imageId, attributes);
        }
    }

    private static DecodedImage frame(SourceImage source, BufferedImage frame, int frameNumber, String imageId,
                                      ImageAttributes attributes) {
        int width = frame.getWidth();
        int height = frame.getHeight();
        if (source.getPaletteColorNumberOfEntries() > 0) {
            return new DecodedImage(imageId, width, height, 3, palette(source, frame), attributes);
        }
        if (frame.getColorModel().getNumComponents() == 1) {
            return DecodedImage.greyscale(imageId, width, height, modalityValues(source, frame, frameNumber),
                    attributes);
        }
        Raster raster = frame.getRaster();
        boolean ybr = source.isYBR(); // true only for native YBR: PixelMed's JPEG readers hand over RGB already
        float[] values = new float[width * height * 3];
        for (int y = 0, i = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float a = raster.getSample(x, y, 0);
                float b = raster.getSample(x, y, 1);
                float c = raster.getSample(x, y, 2);
                if (ybr) {
                    // PS3.3 C.7.6.3.1.2 (YBR_FULL): ITU-R BT.601 full range. Done here rather than by PixelMed's
                    // converter, which asks AWT for a screen and logs a HeadlessException in a server.
                    values[i++] = clamp(a + 1.402f * (c - 128));
                    values[i++] = clamp(a - 0.344136f * (b - 128) - 0.714136f * (c - 128));
                    values[i++] = clamp(a + 1.772f * (b - 128));
                } else {
                    values[i++] = a;
                    values[i++] = b;
                    values[i++] = c;
                }
            }
        }
        return new DecodedImage(imageId, width, height, 3, values, attributes);
    }

    private static float clamp(float v) {
        return Math.max(0f, Math.min(255f, Math.round(v)));
    }

    /** Stored values through the frame's rescale (PS3.3 C.11.1); PixelMed gives signed data as signed samples. */
    private static float[] modalityValues(SourceImage source, BufferedImage frame, int frameNumber) {
        ModalityTransform modality = source.getModalityTransform();
        double slope = modality == null ? 1 : modality.getRescaleSlope(frameNumber - 1);
        double intercept = modality == null ? 0 : modality.getRescaleIntercept(frameNumber - 1);
        if (slope == 0) {
            slope = 1; // absent from a frame's functional groups: PixelMed answers 0; identity is what is meant
        }
        Raster raster = frame.getRaster();
        int width = frame.getWidth();
        int height = frame.getHeight();
        float[] values = new float[width * height];
        double[] row = new double[width];
        for (int y = 0; y < height; y++) {
            raster.getSamples(0, y, width, 1, 0, row);
            for (int x = 0; x < width; x++) {
                values[y * width + x] = (float) (row[x] * slope + intercept);
            }
        }
        return values;
    }

    /** PALETTE COLOR: each stored index through the three lookup tables, scaled to 0–255. */
    private static float[] palette(SourceImage source, BufferedImage frame) {
        short[] red = source.getPaletteColorRedTable();
        short[] green = source.getPaletteColorGreenTable();
        short[] blue = source.getPaletteColorBlueTable();
        int first = source.getPaletteColorFirstValueMapped();
        int bits = source.getPaletteColorBitsPerEntry();
        double scale = bits > 8 ? 255.0 / ((1 << bits) - 1) : 1.0;
        Raster raster = frame.getRaster();
        int width = frame.getWidth();
        int height = frame.getHeight();
        float[] values = new float[width * height * 3];
        for (int y = 0, i = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int index = Math.max(0, Math.min(red.length - 1, raster.getSample(x, y, 0) - first));
                values[i++] = (float) ((red[index] & 0xFFFF) * scale);
                values[i++] = (float) ((green[index] & 0xFFFF) * scale);
                values[i++] = (float) ((blue[index] & 0xFFFF) * scale);
            }
        }
        return values;
    }

    /** The attributes a plugin may look at, by keyword, each with its values in DICOM's order. */
    static ImageAttributes attributes(AttributeList list) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        DicomDictionary dictionary = DicomDictionary.StandardDictionary;
        for (String keyword : ATTRIBUTES) {
            AttributeTag tag = dictionary.getTagFromName(keyword);
            Attribute attribute = tag == null ? null : list.get(tag);
            if (attribute == null || attribute.getVM() == 0) {
                continue;
            }
            try {
                String[] strings = attribute.getStringValues();
                if (strings != null) {
                    values.put(keyword, new ArrayList<>(Arrays.stream(strings).map(String::trim).toList()));
                }
            } catch (DicomException e) {
                // a value PixelMed cannot render as text is left out: the plugin sees it as absent
            }
        }
        return ImageAttributes.of(values);
    }

    private static String transferSyntax(AttributeList list) {
        String uid = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.TransferSyntaxUID).trim();
        return uid.isEmpty() ? "unknown" : uid;
    }
}
