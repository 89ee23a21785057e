package io.glassbox.plugins.hyperdenselesion.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import io.glassbox.plugins.hyperdenselesion.training.HeadCtVolume;
import io.glassbox.plugins.hyperdenselesion.training.LesionDataset;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo study as demo.sh sends it: valid CT objects, the generated HU, a consistent series and ground truth. */
class DemoStudyTest {

    private static final long SEED = 11;

    @TempDir
    static Path dir;

    private static Path project;
    private static LesionDataset dataset;
    private static DemoStudy.Study study;
    private static List<AttributeList> files;

    @BeforeAll
    static void writeTheStudy() throws Exception {
        project = Path.of(System.getProperty("glassbox.cranium", HeadCtVolume.DEBIAN_CRANIUM.toString()));
        dataset = LesionDataset.load(project);
        study = DemoStudy.write(new DemoStudy.Options(dir.resolve("demo"), project, false, SEED));
        files = new ArrayList<>();
        for (DemoStudy.Instance instance : study.instances()) {
            files.add(read(instance.file()));
        }
    }

    /** Every other held-out test slice, the lowest first: where lesions go, in either mode. */
    private static Set<Integer> lesionSlices() {
        List<Integer> test = dataset.slices(LesionDataset.Split.TEST).stream().sorted().toList();
        Set<Integer> withLesion = new HashSet<>();
        for (int i = 0; i < test.size(); i += 2) {
            withLesion.add(test.get(i));
        }
        return withLesion;
    }

    @Test
    void aRunOfHeldOutSlicesWithALesionInEveryOtherTestSlice() {
        List<Integer> zs = study.instances().stream().map(i -> i.slice().z()).toList();
        assertEquals(dataset.longestHeldOutRun(), zs);
        assertTrue(zs.size() >= 16, "slices " + zs);
        for (int n = 1; n < zs.size(); n++) {
            assertEquals(zs.get(n - 1) + 1, zs.get(n), "consecutive slices of the volume: " + zs);
        }
        assertTrue(zs.stream().noneMatch(dataset.slices(LesionDataset.Split.TRAIN)::contains),
                "no slice the model trained on: " + zs);
        Set<Integer> withLesion = lesionSlices();
        int lesions = 0;
        for (DemoStudy.Instance instance : study.instances()) {
            boolean lesion = withLesion.contains(instance.slice().z());
            lesions += lesion ? 1 : 0;
            assertEquals(lesion, instance.slice().lesion() != null, "instance " + instance.instanceNumber());
            assertEquals(lesion, instance.slice().lesionPixels() > 0);
        }
        assertTrue(lesions >= 3, lesions + " slices with a lesion");
        try (var entries = Files.list(dir.resolve("demo"))) {
            assertEquals(zs.size() + 1, entries.count(), "one file per slice and the ground truth");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * What a viewer checks before it builds a volume: sorted along the slices' normal, the positions are evenly
     * spaced, one slice thickness apart, with no gap.
     */
    @Test
    void theSeriesIsContiguousAlongTheSliceNormal() {
        List<Double> distances = new ArrayList<>();
        for (AttributeList list : files) {
            double[] o = Attribute.getDoubleValues(list, TagFromName.ImageOrientationPatient);
            double[] normal = {o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]};
            double[] p = Attribute.getDoubleValues(list, TagFromName.ImagePositionPatient);
            distances.add(p[0] * normal[0] + p[1] * normal[1] + p[2] * normal[2]);
        }
        distances.sort(null);
        double thickness = Attribute.getSingleDoubleValueOrDefault(files.get(0), TagFromName.SliceThickness, 0);
        for (int n = 1; n < distances.size(); n++) {
            assertEquals(thickness, distances.get(n) - distances.get(n - 1), 1e-6,
                    "spacing between slices " + n + " and " + (n + 1) + " of " + distances);
        }
    }

    @Test
    void dciodvfyFindsNoErrorInAnyFile() throws Exception {
        Set<String> warnings = new HashSet<>();
        for (DemoStudy.Instance instance : study.instances()) {
            Process process;
            try {
                process = new ProcessBuilder("dciodvfy", instance.file().toString()).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new AssertionError("dciodvfy cannot be run (Debian package dicom3tools; deploy/setup.sh test "
                        + "installs it)", e);
            }
            String report = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "dciodvfy finished");
            assertEquals(0, process.exitValue(), report);
            assertTrue(report.contains("CTImage"), "dciodvfy recognised a CT image: " + report);
            assertTrue(report.lines().noneMatch(line -> line.contains("Error")), report);
            report.lines().filter(line -> line.startsWith("Warning")).forEach(warnings::add);
        }
        // none at the time of writing; listed rather than asserted, as dicom3tools' releases add checks
        warnings.forEach(w -> System.out.println("dciodvfy: " + w));
    }

    @Test
    void filesHoldTheGeneratedHuThroughSlopeAndIntercept() throws Exception {
        // generated again, independently of the files: the seed fixes the pixels
        List<DemoStudy.Slice> slices = DemoStudy.slices(dataset, false, SEED);
        assertEquals(files.size(), slices.size());
        for (int n = 0; n < files.size(); n++) {
            AttributeList list = files.get(n);
            assertEquals(TransferSyntax.ExplicitVRLittleEndian, string(list, TagFromName.TransferSyntaxUID));
            assertEquals(SOPClass.CTImageStorage, string(list, TagFromName.SOPClassUID));
            assertEquals(0, Attribute.getSingleIntegerValueOrDefault(list, TagFromName.PixelRepresentation, -1));
            double slope = Attribute.getSingleDoubleValueOrDefault(list, TagFromName.RescaleSlope, Double.NaN);
            double intercept = Attribute.getSingleDoubleValueOrDefault(list, TagFromName.RescaleIntercept, Double.NaN);
            int bitsStored = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsStored, 0);
            short[] stored = list.get(TagFromName.PixelData).getShortValues();
            short[] hu = slices.get(n).hu();
            assertEquals(256 * 256, stored.length);
            int wrong = 0;
            int tooWide = 0;
            for (int i = 0; i < stored.length; i++) {
                int value = stored[i] & 0xffff;
                tooWide += value >= 1 << bitsStored ? 1 : 0;
                int generated = DemoStudy.storedRow(i / 256, 256) * 256 + i % 256; // the files are face up
                wrong += value * slope + intercept == hu[generated] ? 0 : 1;
            }
            assertEquals(0, tooWide, "stored values wider than BitsStored in instance " + (n + 1));
            assertEquals(0, wrong, "pixels whose HU differ from the generated ones in instance " + (n + 1));
            // a few pixels by what they are: air in the corner, brain or CSF in the middle of a slice without lesion
            assertTrue(value(list, 0, 0) < -900, "the corner is air");
            if (slices.get(n).lesion() == null) {
                assertTrue(value(list, 128, 128) > -10 && value(list, 128, 128) < 70, "the middle is brain or CSF");
            }
        }
        // and the lesions are where the ground truth puts them: at least 25 HU over the scan there, less noise
        for (DemoStudy.Instance instance : study.instances()) {
            if (instance.slice().lesion() != null) {
                int x = instance.slice().lesion().centreX();
                int y = instance.slice().lesion().centreY();
                double rise = value(files.get(instance.instanceNumber() - 1), x, DemoStudy.storedRow(y, 256))
                        - dataset.volume().slice(instance.slice().z())[y * 256 + x];
                assertTrue(rise > 10, "lesion centre of instance " + instance.instanceNumber() + ": +" + rise + " HU");
            }
        }
    }

    @Test
    void positionsClimbFromTheSkullBaseInStepsOfTheSliceSpacing() throws Exception {
        double previous = Double.NEGATIVE_INFINITY;
        for (int n = 0; n < files.size(); n++) {
            AttributeList list = files.get(n);
            DemoStudy.Instance instance = study.instances().get(n);
            assertEquals(n + 1, Attribute.getSingleIntegerValueOrDefault(list, TagFromName.InstanceNumber, 0));
            double[] position = Attribute.getDoubleValues(list, TagFromName.ImagePositionPatient);
            assertArrayEquals(new double[] {1, 0, 0, 0, 1, 0},
                    Attribute.getDoubleValues(list, TagFromName.ImageOrientationPatient));
            assertEquals(instance.slice().z() * 1.5, position[2], 1e-6, "z = slice index x 1.5 mm");
            assertEquals(position[2], Attribute.getSingleDoubleValueOrDefault(list, TagFromName.SliceLocation, 0), 1e-6);
            assertEquals(1.5, Attribute.getSingleDoubleValueOrDefault(list, TagFromName.SliceThickness, 0), 1e-6);
            assertArrayEquals(new double[] {0.9570312, 0.9570312},
                    Attribute.getDoubleValues(list, TagFromName.PixelSpacing), 1e-6);
            assertEquals(position[0], position[1], 1e-6, "the slice's centre is at x = y = 0");
            assertTrue(position[2] > previous, "positions increase with the instance number");
            double step = position[2] - previous;
            if (n > 0 && instance.slice().z() == study.instances().get(n - 1).slice().z() + 1) {
                assertEquals(1.5, step, 1e-6, "adjacent slices lie 1.5 mm apart");
            }
            previous = position[2];
        }
    }

    @Test
    void uidsAreSharedByTheSeriesAndNewForEveryInstanceAndRun() throws Exception {
        Set<String> sopInstances = new HashSet<>();
        for (AttributeList list : files) {
            assertEquals(study.studyInstanceUid(), string(list, TagFromName.StudyInstanceUID));
            assertEquals(study.seriesInstanceUid(), string(list, TagFromName.SeriesInstanceUID));
            assertEquals(study.frameOfReferenceUid(), string(list, TagFromName.FrameOfReferenceUID));
            String sop = string(list, TagFromName.SOPInstanceUID);
            assertEquals(sop, string(list, TagFromName.MediaStorageSOPInstanceUID));
            assertTrue(sop.matches("2\\.25\\.[1-9][0-9]*") && sop.length() <= 64, sop);
            sopInstances.add(sop);
            assertFalse(string(list, TagFromName.ImplementationClassUID).isEmpty());
            assertEquals(DemoStudy.SOURCE_AE_TITLE, string(list, TagFromName.SourceApplicationEntityTitle));
            assertEquals("GLASSBOX^DEMO", string(list, TagFromName.PatientName));
            assertEquals("GBX-DEMO", string(list, TagFromName.PatientID));
            assertEquals("CT", string(list, TagFromName.Modality));
            assertEquals("HEAD", string(list, TagFromName.BodyPartExamined));
            assertEquals(DemoStudy.STUDY_DESCRIPTION, string(list, TagFromName.StudyDescription));
            assertEquals(DemoStudy.SERIES_DESCRIPTION, string(list, TagFromName.SeriesDescription));
            assertEquals("DERIVED\\SECONDARY\\AXIAL", string(list, TagFromName.ImageType));
            assertTrue(string(list, TagFromName.DerivationDescription).startsWith("Glassbox demo: 2 HU noise"));
        }
        assertEquals(files.size(), sopInstances.size(), "every SOP Instance UID is new");
        Set<String> studyLevel = Set.of(study.studyInstanceUid(), study.seriesInstanceUid(), study.frameOfReferenceUid());
        assertEquals(3, studyLevel.size());
        DemoStudy.Study again = DemoStudy.write(new DemoStudy.Options(dir.resolve("again"), project, false, SEED));
        assertNotEquals(study.studyInstanceUid(), again.studyInstanceUid(), "a new study on every run");
        assertNotEquals(study.seriesInstanceUid(), again.seriesInstanceUid());
        assertNotEquals(study.frameOfReferenceUid(), again.frameOfReferenceUid());
        assertArrayEquals(read(study.instances().get(0).file()).get(TagFromName.PixelData).getShortValues(),
                read(again.instances().get(0).file()).get(TagFromName.PixelData).getShortValues(),
                "the seed fixes the pixels");
    }

    @Test
    void groundTruthMatchesTheFiles() throws Exception {
        Map<String, Object> truth = Json.object(Json.parse(Files.readString(study.groundTruth())), "ground truth");
        assertEquals(study.studyInstanceUid(), truth.get("studyInstanceUid"));
        List<Object> instances = Json.array(truth.get("instances"), "instances");
        assertEquals(files.size(), instances.size());
        int lesions = 0;
        for (int n = 0; n < files.size(); n++) {
            Map<String, Object> entry = Json.object(instances.get(n), "instance");
            AttributeList list = files.get(n);
            DemoStudy.Slice slice = study.instances().get(n).slice();
            assertEquals(string(list, TagFromName.SOPInstanceUID), entry.get("sopInstanceUid"));
            assertEquals(new BigDecimal(n + 1), entry.get("instanceNumber"));
            assertEquals(study.instances().get(n).file().getFileName().toString(), entry.get("file"));
            assertEquals(Attribute.getDoubleValues(list, TagFromName.ImagePositionPatient)[2],
                    ((BigDecimal) entry.get("zMm")).doubleValue(), 1e-6);
            assertEquals(slice.lesion() != null, entry.get("lesion"));
            if (slice.lesion() == null) {
                assertNull(entry.get("centre"));
                continue;
            }
            lesions++;
            Map<String, Object> centre = Json.object(entry.get("centre"), "centre");
            assertEquals(new BigDecimal(slice.lesion().centreX()), centre.get("x"));
            assertEquals(new BigDecimal(DemoStudy.storedRow(slice.lesion().centreY(), 256)), centre.get("y"));
            int area = ((BigDecimal) entry.get("areaPixels")).intValueExact();
            assertEquals(slice.lesionPixels(), area);
            double radius = ((BigDecimal) entry.get("equivalentRadiusMm")).doubleValue();
            assertEquals(Math.sqrt(area / Math.PI) * 0.9570312, radius, 0.01);
            assertTrue(radius > 2.5 && radius < 14.5, "equivalent radius " + radius + " mm");
        }
        assertEquals(study.instances().stream().filter(i -> lesionSlices().contains(i.slice().z())).count(), lesions,
                "every other held-out test slice");
    }

    @Test
    void allSlicesIsTheWholeVolumeWithTheSameHeldOutSlices() throws Exception {
        DemoStudy.Study all = DemoStudy.write(new DemoStudy.Options(dir.resolve("all"), project, true, SEED));
        assertEquals(108, all.instances().size());
        double previous = Double.NaN;
        for (DemoStudy.Instance instance : all.instances()) {
            assertEquals(instance.instanceNumber() - 1, instance.slice().z());
            if (!Double.isNaN(previous)) {
                assertEquals(1.5, instance.zMm() - previous, 1e-9);
            }
            previous = instance.zMm();
        }
        for (DemoStudy.Instance held : study.instances()) {
            DemoStudy.Instance same = all.instances().get(held.slice().z());
            assertArrayEquals(held.slice().hu(), same.slice().hu(), "slice " + held.slice().z());
            assertEquals(held.slice().lesion() != null, same.slice().lesion() != null);
        }
        long lesions = all.instances().stream().filter(i -> i.slice().lesion() != null).count();
        assertEquals(lesionSlices().size(), lesions, "lesions only in every other held-out test slice");
        AttributeList last = read(all.instances().get(107).file());
        assertEquals("108", string(last, TagFromName.InstanceNumber));
    }

    @Test
    void optionsAndAnOccupiedDirectory() throws Exception {
        DemoStudy.Options options = DemoStudy.options(new String[] {"--out", "x", "--all-slices", "--seed", "5"});
        assertEquals(Path.of("x"), options.out());
        assertTrue(options.allSlices());
        assertEquals(5, options.seed());
        assertEquals(HeadCtVolume.DEBIAN_CRANIUM, options.project());
        assertThrows(IllegalArgumentException.class, () -> DemoStudy.options(new String[] {"--all-slices"}));
        assertThrows(IllegalArgumentException.class, () -> DemoStudy.options(new String[] {"--out", "x", "--seed"}));
        assertThrows(IllegalArgumentException.class, () -> DemoStudy.options(new String[] {"--out", "x", "--bogus"}));
        IOException e = assertThrows(IOException.class,
                () -> DemoStudy.write(new DemoStudy.Options(dir.resolve("demo"), project, false, SEED)));
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
        String summary = DemoStudy.summary(study, new DemoStudy.Options(dir.resolve("demo"), project, false, SEED));
        assertTrue(summary.contains(study.studyInstanceUid()), summary);
        String withLesion = study.instances().stream().filter(i -> lesionSlices().contains(i.slice().z()))
                .map(i -> Integer.toString(i.instanceNumber())).collect(Collectors.joining(", "));
        assertTrue(summary.contains("in instances " + withLesion), summary);
        assertTrue(summary.contains("slices " + DemoStudy.ranges(dataset.longestHeldOutRun())), summary);
        assertEquals("56, 58–63, 78–83", DemoStudy.ranges(List.of(56, 58, 59, 60, 61, 62, 63, 78, 79, 80, 81, 82, 83)));
        assertFalse(summary.isBlank());
        assertNotNull(study.groundTruth());
    }

    /** HU at pixel (x, y) of an image, through its rescale. */
    private static double value(AttributeList list, int x, int y) throws DicomException {
        short[] stored = list.get(TagFromName.PixelData).getShortValues();
        int columns = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0);
        return (stored[y * columns + x] & 0xffff)
                * Attribute.getSingleDoubleValueOrDefault(list, TagFromName.RescaleSlope, Double.NaN)
                + Attribute.getSingleDoubleValueOrDefault(list, TagFromName.RescaleIntercept, Double.NaN);
    }

    private static AttributeList read(Path file) throws Exception {
        AttributeList list = new AttributeList();
        list.read(file.toFile());
        return list;
    }

    private static String string(AttributeList list, com.pixelmed.dicom.AttributeTag tag) {
        return Attribute.getDelimitedStringValuesOrEmptyString(list, tag);
    }
}
