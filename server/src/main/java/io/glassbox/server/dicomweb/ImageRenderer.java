package io.glassbox.server.dicomweb;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.ModalityTransform;
import com.pixelmed.display.BufferedImageUtilities;
import com.pixelmed.display.ConsumerFormatImageMaker;
import com.pixelmed.display.SourceImage;
import com.pixelmed.display.WindowCenterAndWidth;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Renders one frame of a stored image for WADO-RS "rendered" (PS3.18 8.3.5.1): PixelMed decodes the pixel data
 * (whatever codec it has); a grayscale image gets the modality LUT (rescale) and a window — the one asked for in
 * the request, else the image's own first Window Center/Width, else its pixel range — and a colour image is shown
 * as it is (YBR converted to RGB). The result is encoded as PNG or JPEG.
 */
final class ImageRenderer {

    /** A window from the request's {@code window=center,width,function} parameter. */
    record Window(double center, double width, boolean sigmoid) {
    }

    /** The stored object has pixel data PixelMed cannot decode here (e.g. JPEG-LS), or none at all. */
    static final class NotRenderableException extends Exception {
        private static final long serialVersionUID = 1L;

        NotRenderableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private ImageRenderer() {
    }

    /**
     * @param frameIndex the frame, from 0
     * @param window     the requested window, or null for the image's own
     */
    static BufferedImage render(Path file, int frameIndex, Window window) throws IOException, NotRenderableException {
        SourceImage image;
        try {
            AttributeList list = new AttributeList();
            list.read(file.toString()); // decompresses the pixel data with the codecs PixelMed finds
            image = new SourceImage(list);
        } catch (DicomException e) {
            throw new NotRenderableException(e.getMessage(), e);
        }
        // Not SourceImage.isImage(): it answers false for SOP classes PixelMed does not list as images
        // (Segmentation, for one) whose frames it decodes all the same.
        if (frameIndex >= image.getNumberOfBufferedImages()) {
            throw new NotRenderableException("PixelMed found no decodable image frame " + (frameIndex + 1), null);
        }
        BufferedImage frame;
        try {
            frame = image.getBufferedImage(frameIndex);
        } catch (RuntimeException e) {
            throw new NotRenderableException("decoding frame " + (frameIndex + 1) + " failed: " + e, e);
        }
        if (frame == null) {
            throw new NotRenderableException("PixelMed could not decode frame " + (frameIndex + 1), null);
        }
        if (frame.getColorModel().getNumComponents() != 1) {
            // Colour (or 1-bit, indexed): shown as it is, YBR turned into RGB. Not through makeEightBitFrame, whose
            // colour branch asks AWT for a screen device and logs a HeadlessException on every call in a server.
            return image.isYBR() ? BufferedImageUtilities.convertYBRToRGB(frame) : frame;
        }
        if (window == null || image.getPaletteColorNumberOfEntries() > 0) {
            return ConsumerFormatImageMaker.makeEightBitFrame(image, frameIndex);
        }
        ModalityTransform modality = image.getModalityTransform();
        double slope = modality == null ? 1 : modality.getRescaleSlope(frameIndex);
        double intercept = modality == null ? 0 : modality.getRescaleIntercept(frameIndex);
        return window.sigmoid()
                ? WindowCenterAndWidth.applyWindowCenterAndWidthLogistic(frame, window.center(), window.width(),
                        image.isSigned(), image.isInverted(), slope, intercept, image.isPadded(), image.getPadValue())
                : WindowCenterAndWidth.applyWindowCenterAndWidthLinear(frame, window.center(), window.width(),
                        image.isSigned(), image.isInverted(), slope, intercept, image.isPadded(), image.getPadValue());
    }

    /** Encodes as {@code image/png} or {@code image/jpeg} (at {@code quality} 1–100, or the codec's default). */
    static byte[] encode(BufferedImage image, String mediaType, Integer quality) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (mediaType.equals("image/png")) {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer for image type " + image.getType());
            }
            return out.toByteArray();
        }
        BufferedImage opaque = withoutAlpha(image);
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) {
            throw new IOException("no JPEG writer available");
        }
        ImageWriter writer = writers.next();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (quality != null) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(quality / 100f);
            }
            writer.write(null, new IIOImage(opaque, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** JPEG has no alpha channel, and Java's writer refuses (or miscolours) images with one. */
    private static BufferedImage withoutAlpha(BufferedImage image) {
        int type = image.getType();
        if (type == BufferedImage.TYPE_BYTE_GRAY || type == BufferedImage.TYPE_3BYTE_BGR
                || type == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = rgb.createGraphics();
        try {
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return rgb;
    }
}
