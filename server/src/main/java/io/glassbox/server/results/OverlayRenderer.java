package io.glassbox.server.results;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.display.SourceImage;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontFormatException;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * Draws the picture of the Secondary Capture: the analysed image windowed to grey, the heatmap blended over it in
 * the Turbo colormap, a colour legend beside it and the finding, model, method and disclaimer below it. Text and
 * legend sit outside the image so no anatomy is covered; small images are enlarged (integer factor, bilinear) to
 * at least {@link #MIN_IMAGE_SIDE} pixels so the text stays legible on any viewer.
 */
final class OverlayRenderer {
    private static final Logger LOG = Logger.getLogger(OverlayRenderer.class);

    static final int MIN_IMAGE_SIDE = 512;
    private static final Color BACKGROUND = Color.BLACK;
    private static final Color TEXT = new Color(0xF0, 0xF0, 0xF0);
    private static final Color WARNING = new Color(0xFF, 0xC8, 0x3C);
    private static final Path FONT_DIR = Path.of("/usr/share/fonts/truetype/dejavu");
    private static final Font REGULAR = font("DejaVuSans.ttf", Font.PLAIN);
    private static final Font BOLD = font("DejaVuSans-Bold.ttf", Font.BOLD);

    private OverlayRenderer() {}

    static BufferedImage render(AnalysisResult r, OverlayStyle style) {
        int rows = r.rows();
        int columns = r.columns();
        int[] grey = greyImage(r, style);
        BufferedImage blended = new BufferedImage(columns, rows, BufferedImage.TYPE_INT_RGB);
        float[] heat = r.heatmap();
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < columns; x++) {
                int i = y * columns + x;
                blended.setRGB(x, y, blend(grey[i], heat[i], style.opacity()));
            }
        }

        int scale = Math.max(1, (int) Math.ceil((double) MIN_IMAGE_SIDE / Math.max(rows, columns)));
        int imageWidth = columns * scale;
        int imageHeight = rows * scale;
        int fontSize = Math.max(14, Math.min(40, Math.round(Math.max(imageWidth, imageHeight) / 34f)));
        Font regular = REGULAR.deriveFont((float) fontSize);
        Font bold = BOLD.deriveFont((float) fontSize);
        int pad = fontSize;
        int legendWidth = fontSize * 6;
        int width = imageWidth + legendWidth;

        // Measure the caption on a scratch graphics, then lay out the real canvas.
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D sg = scratch.createGraphics();
        List<Line> caption = caption(r, sg, regular, bold, width - 2 * pad);
        sg.dispose();
        int lineHeight = Math.round(fontSize * 1.45f);
        int captionHeight = pad + caption.size() * lineHeight + pad / 2;
        int height = imageHeight + captionHeight;

        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, width, height);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(blended, 0, 0, imageWidth, imageHeight, null);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            legend(g, r, style, imageWidth, imageHeight, legendWidth, regular, fontSize);
            int baseline = imageHeight + pad + g.getFontMetrics(regular).getAscent() - fontSize / 4;
            for (Line line : caption) {
                g.setFont(line.font);
                g.setColor(line.color);
                g.drawString(line.text, pad, baseline);
                baseline += lineHeight;
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /** out = grey·(1−a) + turbo(h)·a with a = opacity·h: zero attention leaves the image untouched. */
    static int blend(int grey, float heat, double opacity) {
        double a = opacity * heat;
        int c = Turbo.rgb(heat);
        int red = (int) Math.round(grey * (1 - a) + ((c >> 16) & 0xFF) * a);
        int green = (int) Math.round(grey * (1 - a) + ((c >> 8) & 0xFF) * a);
        int blue = (int) Math.round(grey * (1 - a) + (c & 0xFF) * a);
        return red << 16 | green << 8 | blue;
    }

    /**
     * A vertical colour bar from 0 (bottom) to 1 (top): each value's colour blended over mid-grey as the overlay
     * would blend it at full opacity, so the low end fades out as it does on the image.
     */
    private static void legend(Graphics2D g, AnalysisResult r, OverlayStyle style, int x0, int imageHeight, int width,
            Font font, int fontSize) {
        int barWidth = Math.round(fontSize * 1.3f);
        int top = Math.round(fontSize * 3.2f);
        int bottom = imageHeight - Math.round(fontSize * 3.0f);
        int barHeight = Math.max(fontSize * 4, bottom - top);
        int barX = x0 + Math.round(fontSize * 0.9f);
        for (int y = 0; y < barHeight; y++) {
            double v = 1.0 - (double) y / (barHeight - 1);
            g.setColor(new Color(blend(0x80, (float) v, 1.0)));
            g.fillRect(barX, top + y, barWidth, 1);
        }
        g.setColor(TEXT);
        g.drawRect(barX, top, barWidth - 1, barHeight - 1);
        g.setFont(font);
        FontMetrics fm = g.getFontMetrics();
        String[] title = {r.explanation().method(), "attention"};
        for (int i = 0; i < title.length; i++) {
            String t = fit(title[i], fm, width - fontSize / 2);
            g.drawString(t, x0 + Math.max(fontSize / 4, (width - fm.stringWidth(t)) / 2),
                    Math.round(fontSize * (1.1f + 1.2f * i)));
        }
        for (double v : new double[] {0.0, 0.25, 0.5, 0.75, 1.0}) {
            int y = top + (int) Math.round((1 - v) * (barHeight - 1));
            g.drawLine(barX + barWidth, y, barX + barWidth + fontSize / 3, y);
            g.drawString(String.format(Locale.ROOT, "%.2f", v), barX + barWidth + fontSize / 2,
                    y + fm.getAscent() / 2 - 1);
        }
        String[] opacity = {"opacity", String.format(Locale.ROOT, "%.0f%%", style.opacity() * 100)};
        for (int i = 0; i < opacity.length; i++) {
            String o = fit(opacity[i], fm, width - fontSize / 4);
            g.drawString(o, x0 + Math.max(fontSize / 8, (width - fm.stringWidth(o)) / 2),
                    bottom + fm.getAscent() + fontSize / 3 + Math.round(fontSize * 1.2f * i));
        }
    }

    private record Line(String text, Font font, Color color) {}

    private static List<Line> caption(AnalysisResult r, Graphics2D g, Font regular, Font bold,
            int maxWidth) {
        AnalysisResult.Finding f = r.finding();
        AnalysisResult.Algorithm a = r.algorithm();
        List<Line> lines = new ArrayList<>();
        wrap(lines, f.label() + ": " + (f.present() ? "POSITIVE" : "NEGATIVE"), bold, TEXT, g, maxWidth);
        // The map is scaled to its own maximum, so a slice scored near 0 still shows "hot" spots: say so, lest a
        // reader take the colour of a negative slice's map for a finding.
        wrap(lines, String.format(Locale.ROOT, "Score %.2f (threshold %.2f) · heatmap: %s at layer %s, "
                + "scaled to this image's maximum", f.probability(), f.threshold(), r.explanation().method(),
                r.explanation().targetLayer()), regular, TEXT, g, maxWidth);
        String image = "series " + orDash(r.sourceString(TagFromName.SeriesNumber)) + ", image "
                + orDash(r.sourceString(TagFromName.InstanceNumber))
                + (r.multiFrame() ? ", frame " + r.frameNumber() : "");
        wrap(lines, "Model: " + a.name() + " " + a.version() + " (" + a.manufacturer() + ") · " + image, regular,
                TEXT, g, maxWidth);
        wrap(lines, a.notForDiagnosticUse() ? "AI-generated — not for diagnostic use"
                : "AI-generated — confirm on the original images", bold, WARNING, g, maxWidth);
        return lines;
    }

    /** Breaks {@code text} at spaces into lines no wider than {@code maxWidth}. */
    private static void wrap(List<Line> lines, String text, Font font, Color color, Graphics2D g, int maxWidth) {
        FontMetrics fm = g.getFontMetrics(font);
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            String candidate = line.length() == 0 ? word : line + " " + word;
            if (fm.stringWidth(candidate) <= maxWidth || line.length() == 0) {
                line.setLength(0);
                line.append(fit(candidate, fm, maxWidth));
            } else {
                lines.add(new Line(line.toString(), font, color));
                line.setLength(0);
                line.append(fit(word, fm, maxWidth));
            }
        }
        if (line.length() > 0) {
            lines.add(new Line(line.toString(), font, color));
        }
    }

    /** Shortens {@code s} with an ellipsis until it fits {@code maxWidth}. */
    private static String fit(String s, FontMetrics fm, int maxWidth) {
        if (fm.stringWidth(s) <= maxWidth) {
            return s;
        }
        String t = s;
        while (t.length() > 1 && fm.stringWidth(t + "…") > maxWidth) {
            t = t.substring(0, t.length() - 1);
        }
        return t + "…";
    }

    private static String orDash(String s) {
        return s.isEmpty() ? "–" : s;
    }

    /**
     * The analysed frame as 8-bit grey, row-major: stored values through the Modality LUT (rescale) and a linear
     * VOI window (PS3.3 C.11.2.1.2.1), MONOCHROME1 inverted; colour images by their luminance.
     */
    static int[] greyImage(AnalysisResult r, OverlayStyle style) {
        AttributeList source = r.source();
        if (source.getPixelData() == null) {
            throw new IllegalArgumentException("the source has no pixel data: pass the whole object, not only its "
                    + "header, to draw the Secondary Capture");
        }
        BufferedImage image;
        try {
            image = new SourceImage(source).getBufferedImage(r.frameNumber() - 1);
        } catch (DicomException | RuntimeException e) {
            throw new IllegalArgumentException("cannot decode the source image: " + e.getMessage(), e);
        }
        if (image == null) {
            throw new IllegalArgumentException("cannot decode frame " + r.frameNumber() + " of the source image");
        }
        int rows = r.rows();
        int columns = r.columns();
        int[] grey = new int[rows * columns];
        if (image.getColorModel().getNumComponents() >= 3) {
            for (int y = 0; y < rows; y++) {
                for (int x = 0; x < columns; x++) {
                    int c = image.getRGB(x, y);
                    grey[y * columns + x] = (int) Math.round(0.299 * ((c >> 16) & 0xFF)
                            + 0.587 * ((c >> 8) & 0xFF) + 0.114 * (c & 0xFF));
                }
            }
            return grey;
        }
        AttributeList frameGroups = frameGroups(source, r.frameNumber());
        double slope = number(source, frameGroups, TagFromName.PixelValueTransformationSequence,
                TagFromName.RescaleSlope, 1.0);
        double intercept = number(source, frameGroups, TagFromName.PixelValueTransformationSequence,
                TagFromName.RescaleIntercept, 0.0);
        Raster raster = image.getRaster();
        double[] values = new double[rows * columns];
        // Padding (air outside the scan field, often -2000) is not image: left out of the full-range window.
        double padding = Attribute.getSingleDoubleValueOrDefault(source, TagFromName.PixelPaddingValue, Double.NaN);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < columns; x++) {
                double stored = raster.getSampleDouble(x, y, 0);
                double v = stored * slope + intercept;
                values[y * columns + x] = v;
                if (stored != padding) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (min > max) {
            min = 0;
            max = 0;
        }
        double center;
        double width;
        if (style.windowCenter() != null) {
            center = style.windowCenter();
            width = style.windowWidth();
        } else {
            double c = number(source, frameGroups, TagFromName.FrameVOILUTSequence, TagFromName.WindowCenter,
                    Double.NaN);
            double w = number(source, frameGroups, TagFromName.FrameVOILUTSequence, TagFromName.WindowWidth,
                    Double.NaN);
            if (Double.isFinite(c) && Double.isFinite(w) && w >= 1) {
                center = c;
                width = w;
            } else {
                // No window given: the full range, the only choice that hides nothing.
                center = (min + max) / 2 + 0.5;
                width = Math.max(1, max - min + 1);
            }
        }
        boolean invert = "MONOCHROME1".equals(Attribute.getSingleStringValueOrEmptyString(source,
                TagFromName.PhotometricInterpretation).trim());
        double low = center - 0.5 - (width - 1) / 2;
        double high = center - 0.5 + (width - 1) / 2;
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            int g = v <= low ? 0 : v > high ? 255 : (int) Math.round(((v - (center - 0.5)) / (width - 1) + 0.5) * 255);
            g = Math.max(0, Math.min(255, g));
            grey[i] = invert ? 255 - g : g;
        }
        return grey;
    }

    /** The per-frame functional group item of the frame, or null for a classic single-frame image. */
    private static AttributeList frameGroups(AttributeList source, int frameNumber) {
        if (source.get(TagFromName.PerFrameFunctionalGroupsSequence) instanceof SequenceAttribute s
                && frameNumber - 1 < s.getNumberOfItems()) {
            return s.getItem(frameNumber - 1).getAttributeList();
        }
        return null;
    }

    /** First value of {@code tag}: at the top level, else in the frame's or the shared functional group macro. */
    private static double number(AttributeList source, AttributeList frameGroups, AttributeTag macro,
            AttributeTag tag, double otherwise) {
        double[] v = Attribute.getDoubleValues(source, tag);
        if (v != null && v.length > 0) {
            return v[0];
        }
        AttributeList shared = null;
        if (source.get(TagFromName.SharedFunctionalGroupsSequence) instanceof SequenceAttribute s
                && s.getNumberOfItems() > 0) {
            shared = s.getItem(0).getAttributeList();
        }
        for (AttributeList group : new AttributeList[] {frameGroups, shared}) {
            if (group != null && group.get(macro) instanceof SequenceAttribute m && m.getNumberOfItems() > 0) {
                double[] w = Attribute.getDoubleValues(m.getItem(0).getAttributeList(), tag);
                if (w != null && w.length > 0) {
                    return w[0];
                }
            }
        }
        return otherwise;
    }

    /**
     * DejaVu Sans from Debian's fonts-dejavu-core, loaded from its file so the picture does not depend on the
     * machine's fontconfig setup; the JDK's logical sans-serif font when it is missing.
     */
    private static Font font(String file, int style) {
        Path path = FONT_DIR.resolve(file);
        if (Files.isReadable(path)) {
            try {
                return Font.createFont(Font.TRUETYPE_FONT, path.toFile());
            } catch (FontFormatException | IOException e) {
                LOG.warnf("Cannot load %s (%s); using the JDK's sans-serif font", path, e.getMessage());
            }
        } else {
            LOG.warnf("%s is missing (Debian package fonts-dejavu-core); using the JDK's sans-serif font", path);
        }
        return new Font(Font.SANS_SERIF, style, 12);
    }
}
