import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DecimalStringAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;
import io.glassbox.server.results.AnalysisResult;
import io.glassbox.server.results.Code;
import io.glassbox.server.results.ResultUids;
import io.glassbox.server.results.ResultWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * What writing one analysis's series-level result objects costs (bench/results.sh): the multi-frame Parametric
 * Map of a series of {@code slices} slices of {@code size} × {@code size} (a Gaussian blob per slice), its Part 10
 * encoding, and the report with a measurement group (and its outline) on every other slice. Source headers are
 * pydicom's CT_small moved along the normal, in shuffled order. Two warm-up rounds, then the median of five.
 */
public class ResultObjectsBench {

    public static void main(String[] args) throws Exception {
        String header = args[0];
        int slices = Integer.parseInt(args[1]);
        int size = Integer.parseInt(args[2]);
        UUID analysis = UUID.randomUUID();
        String series = ResultUids.random();
        List<AnalysisResult> results = new ArrayList<>();
        for (int k = 0; k < slices; k++) {
            AttributeList source = new AttributeList();
            source.read(header, TagFromName.PixelData);
            put(source, new UnsignedShortAttribute(TagFromName.Rows), Integer.toString(size));
            put(source, new UnsignedShortAttribute(TagFromName.Columns), Integer.toString(size));
            put(source, new UniqueIdentifierAttribute(TagFromName.SeriesInstanceUID), series);
            put(source, new UniqueIdentifierAttribute(TagFromName.SOPInstanceUID), series + "." + (k + 1));
            put(source, new DecimalStringAttribute(TagFromName.ImagePositionPatient), "-158", "-179",
                    Double.toString(-75 + 2.5 * ((k * 37) % slices)));
            float[] map = new float[size * size];
            double cx = size * 0.2 + k * size * 0.005;
            double cy = size * 0.5;
            double sigma = size * 0.06;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    map[y * size + x] = (float) Math.exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy))
                            / (2 * sigma * sigma));
                }
            }
            results.add(new AnalysisResult(analysis, source, 1, map,
                    new AnalysisResult.Finding("Lesion", Code.HAEMORRHAGE_LIKE_LESION, k % 2 == 0 ? 0.9 : 0.1, 0.5),
                    new AnalysisResult.Explanation("Grad-CAM", "block4"),
                    new AnalysisResult.Algorithm("bench", "Bench model", "1", "Glassbox", "00".repeat(32), true),
                    new AnalysisResult.Timing(Instant.EPOCH, Instant.EPOCH)));
        }
        int rounds = 7;
        double[][] ms = new double[3][rounds];
        long mapBytes = 0;
        long reportBytes = 0;
        for (int round = 0; round < rounds; round++) {
            long t0 = System.nanoTime();
            List<ResultWriter.WrittenMap> maps = ResultWriter.parametricMaps(results);
            long t1 = System.nanoTime();
            mapBytes = ResultWriter.part10(maps.get(0).object()).length;
            long t2 = System.nanoTime();
            reportBytes = ResultWriter.part10(ResultWriter.structuredReport(UUID.randomUUID(), results, maps)).length;
            long t3 = System.nanoTime();
            ms[0][round] = (t1 - t0) / 1e6;
            ms[1][round] = (t2 - t1) / 1e6;
            ms[2][round] = (t3 - t2) / 1e6;
        }
        System.out.printf("[results-bench] %d slices of %d x %d, %d CPUs: Parametric Map written %.0f ms, encoded "
                + "%.0f ms (%.1f MB); report with %d measurement groups written and encoded %.0f ms (%.0f kB) "
                + "(medians of %d rounds after 2 warm-up)%n", slices, size, size,
                Runtime.getRuntime().availableProcessors(), median(ms[0]), median(ms[1]), mapBytes / 1e6,
                (slices + 1) / 2, median(ms[2]), reportBytes / 1e3, rounds - 2);
    }

    private static double median(double[] all) {
        double[] counted = Arrays.copyOfRange(all, 2, all.length);
        Arrays.sort(counted);
        return counted[counted.length / 2];
    }

    private static void put(AttributeList list, Attribute a, String... values) throws Exception {
        for (String v : values) {
            a.addValue(v);
        }
        list.put(a);
    }
}
