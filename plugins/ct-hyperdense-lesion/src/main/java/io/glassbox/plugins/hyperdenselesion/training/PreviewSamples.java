package io.glassbox.plugins.hyperdenselesion.training;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Writes a sheet of generated samples (lesion outlines in red) and prints which slices each split uses: for
 * checking the data generator by eye. {@code java … PreviewSamples [project] [out.png]}
 */
public final class PreviewSamples {

    private PreviewSamples() {
    }

    public static void main(String[] args) throws IOException {
        Path project = args.length > 0 ? Path.of(args[0]) : HeadCtVolume.DEBIAN_CRANIUM;
        Path out = Path.of(args.length > 1 ? args[1] : "target/samples.png");
        LesionDataset dataset = LesionDataset.load(project);
        for (LesionDataset.Split split : LesionDataset.Split.values()) {
            System.out.println(split + ": " + dataset.slices(split));
        }
        Random random = new Random(1);
        int columns = 6;
        int rows = 3;
        int size = dataset.volume().width();
        BufferedImage sheet = new BufferedImage(columns * size, rows * size, BufferedImage.TYPE_INT_RGB);
        List<LesionDataset.Split> order = List.of(LesionDataset.Split.TRAIN, LesionDataset.Split.VALIDATION,
                LesionDataset.Split.TEST);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                LesionDataset.Sample sample = dataset.sample(order.get(r), c % 3 != 2, random);
                if (sample.lesion() != null) {
                    System.out.printf("%s z=%d radius=%.1f px contrast=%.0f HU%n", order.get(r), sample.z(),
                            sample.lesion().radiusPixels(), sample.lesion().contrastHu());
                }
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        int i = y * size + x;
                        int grey = (int) Math.round(Math.max(0, Math.min(1, (sample.hu()[i] + 10) / 100.0)) * 255);
                        int rgb = (grey << 16) | (grey << 8) | grey;
                        if (sample.lesionMask()[i] && edge(sample.lesionMask(), x, y, size)) {
                            rgb = 0xff0000;
                        }
                        sheet.setRGB(c * size + x, r * size + y, rgb);
                    }
                }
            }
        }
        ImageIO.write(sheet, "png", out.toFile());
        System.out.println("wrote " + out);
    }

    static boolean edge(boolean[] mask, int x, int y, int size) {
        return x == 0 || y == 0 || x == size - 1 || y == size - 1 || !mask[y * size + x - 1] || !mask[y * size + x + 1]
                || !mask[(y - 1) * size + x] || !mask[(y + 1) * size + x];
    }
}
