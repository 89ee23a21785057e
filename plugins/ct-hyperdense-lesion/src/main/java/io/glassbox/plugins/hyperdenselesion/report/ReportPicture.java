package io.glassbox.plugins.hyperdenselesion.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** The report's picture: held-out slices, each with its lesion outline and the maps of several methods. */
final class ReportPicture {

    private static final int LABEL = 18;

    /** One row: the slice in HU, the ground-truth mask (may be all false), its title and one map per column. */
    record Row(float[] hu, boolean[] lesion, String title, List<float[]> maps) {
    }

    private ReportPicture() {
    }

    static void write(Path file, int size, List<String> columnTitles, List<Row> rows) throws IOException {
        int columns = columnTitles.size() + 1;
        BufferedImage sheet = new BufferedImage(columns * size, rows.size() * (size + LABEL) + LABEL,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.setColor(Color.WHITE);
        g.drawString("slice, lesion outlined", 4, 13);
        for (int c = 0; c < columnTitles.size(); c++) {
            g.drawString(columnTitles.get(c), (c + 1) * size + 4, 13);
        }
        for (int r = 0; r < rows.size(); r++) {
            Row row = rows.get(r);
            int top = LABEL + r * (size + LABEL);
            g.setColor(Color.LIGHT_GRAY);
            g.drawString(row.title(), 4, top + size + 14);
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int i = y * size + x;
                    int grey = grey(row.hu()[i]);
                    boolean outline = row.lesion()[i] && edge(row.lesion(), x, y, size);
                    sheet.setRGB(x, top + y, outline ? 0x00ff00 : rgb(grey, grey, grey));
                    for (int c = 0; c < row.maps().size(); c++) {
                        float value = row.maps().get(c)[i];
                        int[] heat = jet(value);
                        double alpha = 0.55 * Math.min(1, value * 1.5);
                        int red = (int) (grey * (1 - alpha) + heat[0] * alpha);
                        int green = (int) (grey * (1 - alpha) + heat[1] * alpha);
                        int blue = (int) (grey * (1 - alpha) + heat[2] * alpha);
                        sheet.setRGB((c + 1) * size + x, top + y, outline ? 0x00ff00 : rgb(red, green, blue));
                    }
                }
            }
        }
        g.dispose();
        ImageIO.write(sheet, "png", file.toFile());
    }

    /** Brain window (centre 40, width 100) for display. */
    private static int grey(float hu) {
        return (int) Math.round(Math.max(0, Math.min(1, (hu + 10) / 100.0)) * 255);
    }

    private static int rgb(int r, int g, int b) {
        return (r << 16) | (g << 8) | b;
    }

    /** The classic jet colour map: blue, cyan, yellow, red. */
    private static int[] jet(float value) {
        double v = Math.max(0, Math.min(1, value));
        double r = Math.max(0, Math.min(1, 1.5 - Math.abs(4 * v - 3)));
        double g = Math.max(0, Math.min(1, 1.5 - Math.abs(4 * v - 2)));
        double b = Math.max(0, Math.min(1, 1.5 - Math.abs(4 * v - 1)));
        return new int[] {(int) (r * 255), (int) (g * 255), (int) (b * 255)};
    }

    private static boolean edge(boolean[] mask, int x, int y, int size) {
        return x == 0 || y == 0 || x == size - 1 || y == size - 1 || !mask[y * size + x - 1] || !mask[y * size + x + 1]
                || !mask[(y - 1) * size + x] || !mask[(y + 1) * size + x];
    }
}
