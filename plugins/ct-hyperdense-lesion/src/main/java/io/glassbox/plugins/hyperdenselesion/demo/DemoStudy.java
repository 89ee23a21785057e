package io.glassbox.plugins.hyperdenselesion.demo;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import io.glassbox.plugins.hyperdenselesion.training.HeadCtVolume;
import io.glassbox.plugins.hyperdenselesion.training.LesionDataset;
import io.glassbox.plugins.hyperdenselesion.training.LesionSynthesizer;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Writes the demo study that {@code deploy/demo.sh} sends to a running server: axial slices of the real head CT the
 * plugin was trained on (InVesalius's example, {@link HeadCtVolume}), half of them with a synthetic lesion
 * ({@link LesionSynthesizer}), as one proper CT series of DICOM Part 10 files (CT Image Storage, explicit VR little
 * endian), with {@code ground-truth.json} beside them. Not a patient: a real scan with invented lesions.
 *
 * <p>Which slices: a contiguous run of slices the plugin never saw in training ({@link
 * LesionDataset#longestHeldOutRun()}: z 54–73, the first held-out test range 56–63 with the validation range and
 * the guard slices around them), 1.5 mm apart without a gap, so that viewers build a volume from it as from a real
 * series; with {@code --all-slices}, all 108 slices of the volume (for the pipeline benchmark's full series).
 * Lesions go only into held-out test slices ({@link LesionDataset.Split#TEST}, z 56–63 and 78–83 where they have
 * room for one): every other one, the lowest first; the others are left as scanned. Each slice gets 2 HU of noise as the test samples do ({@link LesionDataset#asScanned}), and its own
 * generator drawn from {@code --seed}, so a slice is the same in both modes and in every run with that seed. The
 * UIDs are new on every run (UUID-derived, {@code 2.25.…}), so two runs are two studies.
 *
 * <p>Geometry: slice z of the volume lies at z × 1.5 mm in the patient coordinate system (z grows towards the vertex,
 * so instance numbers and positions run from the skull base up). The slices are stored as scanners store axial
 * slices, face at the top (Image Orientation (Patient) {@code 1\0\0\0\1\0}): the volume's rows, which InVesalius
 * keeps posterior to anterior, are written in reverse. (The plugin learnt from the volume's order and turns slices
 * by their orientation itself.) Left–right is as stored (the anatomy cannot tell, and it is taken as unflipped). Stored values are HU + 1024, unsigned, 12 bits (the
 * volume's −1024…2986 HU, noise clipped at −1024 as scanners clip air), rescale intercept −1024.
 *
 * <p>{@code DemoStudy --out DIR [--project Cranium.inv3] [--all-slices] [--seed N]}. Needs PixelMed on the class
 * path; nothing in the plugin refers to this class, so the server's plugin loader never loads it.
 */
public final class DemoStudy {

    public static final String PATIENT_NAME = "GLASSBOX^DEMO";
    public static final String PATIENT_ID = "GBX-DEMO";
    public static final String STUDY_DESCRIPTION = "Glassbox demo: head CT with synthetic lesions (not a patient)";
    public static final String SERIES_DESCRIPTION = "Axial head CT (demo, synthetic lesions)";
    public static final String MANUFACTURER = "Glassbox demo";
    public static final String GROUND_TRUTH = "ground-truth.json";
    public static final long DEFAULT_SEED = 20260704L;
    /** Stored value = HU − intercept. */
    public static final int RESCALE_INTERCEPT = -1024;
    public static final int BITS_STORED = 12;
    /** The HU range the stored values can hold. */
    public static final int MIN_HU = RESCALE_INTERCEPT;
    public static final int MAX_HU = (1 << BITS_STORED) - 1 + RESCALE_INTERCEPT;
    /** Image Orientation (Patient): rows run to the patient's left, columns from anterior to posterior. */
    static final String[] ORIENTATION = {"1", "0", "0", "0", "1", "0"};
    /** Source Application Entity Title in the files' meta information (the implementation named there is PixelMed). */
    static final String SOURCE_AE_TITLE = "GLASSBOX_DEMO";

    /** What to write. */
    public record Options(Path out, Path project, boolean allSlices, long seed) {
    }

    /**
     * One slice of the demo series as generated.
     *
     * @param z the slice's index in the volume
     * @param hu its pixels in HU, whole numbers within [{@link #MIN_HU}, {@link #MAX_HU}], rows in the volume's
     *     order (posterior at the top; the files store them the other way up, see {@link #storedRow})
     * @param lesion the inserted lesion, or null
     * @param lesionPixels the lesion's area: pixels where its profile is at least one half (0 without a lesion)
     */
    public record Slice(int z, short[] hu, LesionSynthesizer.Lesion lesion, int lesionPixels) {
    }

    /** One written instance. */
    public record Instance(int instanceNumber, String sopInstanceUid, Path file, double zMm, Slice slice) {
    }

    /** The written study. */
    public record Study(String studyInstanceUid, String seriesInstanceUid, String frameOfReferenceUid,
                        List<Instance> instances, Path groundTruth) {
    }

    private DemoStudy() {
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = options(args);
        } catch (IllegalArgumentException e) {
            System.err.println("DemoStudy: " + e.getMessage());
            System.err.println("usage: DemoStudy --out DIR [--project PATH] [--all-slices] [--seed N]");
            System.exit(2);
            return;
        }
        try {
            Study study = write(options);
            System.out.print(summary(study, options));
        } catch (IOException | DicomException | IllegalStateException e) {
            System.err.println("DemoStudy: " + e.getMessage());
            System.exit(1);
        }
    }

    static Options options(String[] args) {
        Path out = null;
        Path project = HeadCtVolume.DEBIAN_CRANIUM;
        boolean allSlices = false;
        long seed = DEFAULT_SEED;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(value(args, ++i, "--out"));
                case "--project" -> project = Path.of(value(args, ++i, "--project"));
                case "--all-slices" -> allSlices = true;
                case "--seed" -> {
                    String s = value(args, ++i, "--seed");
                    try {
                        seed = Long.parseLong(s);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--seed takes a whole number, not " + s);
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (out == null) {
            throw new IllegalArgumentException("--out DIR is required");
        }
        return new Options(out, project, allSlices, seed);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    /** Writes the series and its ground truth into {@code options.out()} (created if missing; must be empty). */
    public static Study write(Options options) throws IOException, DicomException {
        Path out = options.out();
        Files.createDirectories(out);
        try (Stream<Path> entries = Files.list(out)) {
            if (entries.findAny().isPresent()) {
                throw new IOException(out + " is not empty: DemoStudy writes into an empty or new directory");
            }
        }
        LesionDataset dataset = LesionDataset.load(options.project());
        HeadCtVolume volume = dataset.volume();
        List<Slice> slices = slices(dataset, options.allSlices(), options.seed());

        String studyUid = newUid();
        String seriesUid = newUid();
        String frameOfReferenceUid = newUid();
        LocalDateTime now = LocalDateTime.now();
        String date = now.format(DateTimeFormatter.BASIC_ISO_DATE);
        String time = now.format(DateTimeFormatter.ofPattern("HHmmss", Locale.ROOT));
        List<Instance> instances = new ArrayList<>();
        for (Slice slice : slices) {
            int number = instances.size() + 1;
            String sopInstanceUid = newUid();
            double zMm = slice.z() * volume.spacing()[2];
            AttributeList list = new AttributeList();
            // Patient
            put(list, TagFromName.PatientName, PATIENT_NAME);
            put(list, TagFromName.PatientID, PATIENT_ID);
            put(list, TagFromName.PatientBirthDate);
            put(list, TagFromName.PatientSex, "O");
            // General Study
            put(list, TagFromName.StudyInstanceUID, studyUid);
            put(list, TagFromName.StudyDate, date);
            put(list, TagFromName.StudyTime, time);
            put(list, TagFromName.ReferringPhysicianName);
            put(list, TagFromName.StudyID, "DEMO");
            put(list, TagFromName.AccessionNumber);
            put(list, TagFromName.StudyDescription, STUDY_DESCRIPTION);
            // General Series
            put(list, TagFromName.Modality, "CT");
            put(list, TagFromName.SeriesInstanceUID, seriesUid);
            put(list, TagFromName.SeriesNumber, "1");
            put(list, TagFromName.SeriesDate, date);
            put(list, TagFromName.SeriesTime, time);
            put(list, TagFromName.SeriesDescription, SERIES_DESCRIPTION);
            put(list, TagFromName.BodyPartExamined, "HEAD");
            put(list, TagFromName.PatientPosition, "HFS");
            // Frame of Reference
            put(list, TagFromName.FrameOfReferenceUID, frameOfReferenceUid);
            put(list, TagFromName.PositionReferenceIndicator);
            // General Equipment
            put(list, TagFromName.Manufacturer, MANUFACTURER);
            put(list, TagFromName.ManufacturerModelName, "DemoStudy");
            // General Acquisition, General Image
            put(list, TagFromName.AcquisitionNumber, "1");
            put(list, TagFromName.InstanceNumber, Integer.toString(number));
            put(list, TagFromName.ContentDate, date);
            put(list, TagFromName.ContentTime, time);
            // Not as scanned: noise added to every slice, a synthetic lesion to some (PS3.3 C.7.6.1.1.2: DERIVED)
            put(list, TagFromName.ImageType, "DERIVED", "SECONDARY", "AXIAL");
            put(list, TagFromName.DerivationDescription, slice.lesion() != null
                    ? "Glassbox demo: 2 HU noise and a synthetic hyperdense lesion added to a real head CT slice"
                    : "Glassbox demo: 2 HU noise added to a real head CT slice");
            put(list, TagFromName.BurnedInAnnotation, "NO");
            // Image Plane: the first (top left) pixel is the most anterior and the patient's rightmost; the slice's
            // centre at x = y = 0
            double dx = volume.spacing()[0];
            double dy = volume.spacing()[1];
            put(list, TagFromName.PixelSpacing, ds(dy), ds(dx)); // row spacing \ column spacing
            put(list, TagFromName.ImageOrientationPatient, ORIENTATION);
            put(list, TagFromName.ImagePositionPatient, ds(-(volume.width() - 1) / 2.0 * dx),
                    ds(-(volume.height() - 1) / 2.0 * dy), ds(zMm));
            put(list, TagFromName.SliceThickness, ds(volume.spacing()[2]));
            put(list, TagFromName.SliceLocation, ds(zMm));
            // Image Pixel, CT Image
            put(list, TagFromName.SamplesPerPixel, "1");
            put(list, TagFromName.PhotometricInterpretation, "MONOCHROME2");
            put(list, TagFromName.Rows, Integer.toString(volume.height()));
            put(list, TagFromName.Columns, Integer.toString(volume.width()));
            put(list, TagFromName.BitsAllocated, "16");
            put(list, TagFromName.BitsStored, Integer.toString(BITS_STORED));
            put(list, TagFromName.HighBit, Integer.toString(BITS_STORED - 1));
            put(list, TagFromName.PixelRepresentation, "0");
            put(list, TagFromName.RescaleIntercept, Integer.toString(RESCALE_INTERCEPT));
            put(list, TagFromName.RescaleSlope, "1");
            put(list, TagFromName.RescaleType, "HU");
            put(list, new AttributeTag(0x0018, 0x0060)); // KVP (PixelMed has no constant): unknown for this scan
            // VOI LUT: brain window
            put(list, TagFromName.WindowCenter, "40");
            put(list, TagFromName.WindowWidth, "80");
            put(list, TagFromName.WindowCenterWidthExplanation, "BRAIN");
            // SOP Common
            put(list, TagFromName.SOPClassUID, SOPClass.CTImageStorage);
            put(list, TagFromName.SOPInstanceUID, sopInstanceUid);

            short[] stored = new short[slice.hu().length];
            int width = volume.width();
            for (int i = 0; i < stored.length; i++) {
                stored[storedRow(i / width, volume.height()) * width + i % width] =
                        (short) (slice.hu()[i] - RESCALE_INTERCEPT);
            }
            Attribute pixelData = new OtherWordAttribute(TagFromName.PixelData);
            pixelData.setValues(stored);
            list.put(pixelData);
            FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, SOURCE_AE_TITLE);

            Path file = out.resolve(String.format(Locale.ROOT, "CT%03d.dcm", number));
            list.write(file.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
            instances.add(new Instance(number, sopInstanceUid, file, zMm, slice));
        }
        Study study = new Study(studyUid, seriesUid, frameOfReferenceUid, List.copyOf(instances),
                out.resolve(GROUND_TRUTH));
        Files.writeString(study.groundTruth(), Json.pretty(groundTruth(study, options, volume)),
                StandardCharsets.UTF_8);
        return study;
    }

    /**
     * The slices of the demo series, from the skull base up: the longest gap-free run of held-out slices, or with
     * {@code allSlices} every slice of the volume; a lesion in every other held-out test slice, the lowest first.
     */
    public static List<Slice> slices(LesionDataset dataset, boolean allSlices, long seed) {
        List<Integer> heldOut = dataset.slices(LesionDataset.Split.TEST).stream().sorted().toList();
        Set<Integer> withLesion = new HashSet<>();
        for (int i = 0; i < heldOut.size(); i += 2) {
            withLesion.add(heldOut.get(i));
        }
        int depth = dataset.volume().depth();
        // one generator per slice, so that a slice does not depend on which others are written
        SplittableRandom seeds = new SplittableRandom(seed);
        long[] sliceSeeds = new long[depth];
        for (int z = 0; z < depth; z++) {
            sliceSeeds[z] = seeds.nextLong();
        }
        List<Integer> zs = allSlices ? Stream.iterate(0, z -> z < depth, z -> z + 1).toList()
                : dataset.longestHeldOutRun();
        List<Slice> slices = new ArrayList<>();
        for (int z : zs) {
            boolean lesion = withLesion.contains(z);
            LesionDataset.Sample sample = dataset.asScanned(z, lesion, new Random(sliceSeeds[z]));
            if (sample == null) {
                throw new IllegalStateException("no room for a lesion on slice " + z + " with seed " + seed);
            }
            short[] hu = new short[sample.hu().length];
            for (int i = 0; i < hu.length; i++) {
                hu[i] = (short) Math.max(MIN_HU, Math.min(MAX_HU, Math.round(sample.hu()[i])));
            }
            int pixels = 0;
            for (boolean inside : sample.lesionMask()) {
                pixels += inside ? 1 : 0;
            }
            slices.add(new Slice(z, hu, sample.lesion(), pixels));
        }
        return slices;
    }

    private static Map<String, Object> groundTruth(Study study, Options options, HeadCtVolume volume) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("description", STUDY_DESCRIPTION + ": a real head CT (InVesalius example) with synthetic "
                + "hyperdense lesions inserted by LesionSynthesizer; for checking the plugin's findings and maps");
        root.put("studyInstanceUid", study.studyInstanceUid());
        root.put("seriesInstanceUid", study.seriesInstanceUid());
        root.put("frameOfReferenceUid", study.frameOfReferenceUid());
        root.put("project", options.project().toString());
        root.put("seed", options.seed());
        root.put("allSlices", options.allSlices());
        root.put("pixelSpacingMm", volume.spacing()[0]);
        root.put("coordinates", "lesion centres are pixel (x = column, y = row) of the stored image, from 0 at the "
                + "top left; rows run from anterior to posterior (face at the top)");
        root.put("lesionArea", "pixels where the lesion's profile is at least one half (the plugin's ground truth); "
                + "equivalent radius = sqrt(area / pi) x pixel spacing");
        List<Object> instances = new ArrayList<>();
        for (Instance instance : study.instances()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("instanceNumber", instance.instanceNumber());
            entry.put("sopInstanceUid", instance.sopInstanceUid());
            entry.put("file", instance.file().getFileName().toString());
            entry.put("slice", instance.slice().z());
            entry.put("zMm", instance.zMm());
            LesionSynthesizer.Lesion lesion = instance.slice().lesion();
            entry.put("lesion", lesion != null);
            if (lesion != null) {
                int area = instance.slice().lesionPixels();
                Map<String, Object> centre = new LinkedHashMap<>();
                centre.put("x", lesion.centreX());
                centre.put("y", storedRow(lesion.centreY(), volume.height()));
                entry.put("centre", centre);
                entry.put("equivalentRadiusMm", round(Math.sqrt(area / Math.PI) * volume.spacing()[0], 2));
                entry.put("areaPixels", area);
                entry.put("contrastHu", round(lesion.contrastHu(), 1));
            }
            instances.add(entry);
        }
        root.put("instances", instances);
        return root;
    }

    /** The row of the stored image that holds row {@code volumeRow} of the volume (the files are face up). */
    public static int storedRow(int volumeRow, int height) {
        return height - 1 - volumeRow;
    }

    static String summary(Study study, Options options) {
        List<Instance> instances = study.instances();
        String withLesion = instances.stream().filter(i -> i.slice().lesion() != null)
                .map(i -> Integer.toString(i.instanceNumber())).collect(Collectors.joining(", "));
        long lesions = instances.stream().filter(i -> i.slice().lesion() != null).count();
        return String.format(Locale.ROOT, """
                Glassbox demo study (a real head CT with synthetic lesions, not a patient)
                  Study Instance UID  %s
                  files               %d CT images (slices %s of %s%s) in %s
                  lesions             %d, in instances %s
                  ground truth        %s
                """, study.studyInstanceUid(), instances.size(),
                ranges(instances.stream().map(i -> i.slice().z()).toList()), options.project().getFileName(),
                options.allSlices() ? ", all slices" : ", held out from the plugin's training, without a gap", options.out(), lesions,
                withLesion, study.groundTruth());
    }

    /** Ascending whole numbers as runs: 56, 58–63, 78–83. */
    static String ranges(List<Integer> values) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            int start = values.get(i);
            while (i + 1 < values.size() && values.get(i + 1) == values.get(i) + 1) {
                i++;
            }
            s.append(s.length() == 0 ? "" : ", ").append(start);
            if (values.get(i) != start) {
                s.append('–').append(values.get(i));
            }
        }
        return s.toString();
    }

    /** A new UID from a random UUID (PS3.5 B.2). */
    static String newUid() {
        UUID u = UUID.randomUUID();
        byte[] bytes = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                .putLong(u.getLeastSignificantBits()).array();
        return "2.25." + new BigInteger(1, bytes);
    }

    private static void put(AttributeList list, AttributeTag tag, String... values) throws DicomException {
        Attribute attribute = list.putNewAttribute(tag);
        for (String value : values) {
            attribute.addValue(value);
        }
    }

    /** A decimal string (DS, at most 16 characters) with up to 8 decimals and no trailing zeros. */
    static String ds(double value) {
        return BigDecimal.valueOf(value).setScale(8, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
    }

    private static BigDecimal round(double value, int decimals) {
        return BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_EVEN);
    }
}
