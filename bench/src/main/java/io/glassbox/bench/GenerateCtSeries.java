package io.glassbox.bench;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UIDGenerator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes CT Image Storage objects for benchmarks: 512×512, 16-bit signed MONOCHROME2, explicit VR little endian
 * Part 10 files, one axial series per study. The pixels are a head phantom (skull, brain with grey/white
 * contrast, ventricles, air) whose cross-section changes slice by slice, plus quantum-like noise, so the files
 * compress about as badly as real CT does and no two slices are alike.
 *
 * <p>Usage: {@code GenerateCtSeries <output dir> <count> [seed] [study count]}. The seed fixes the pixels; the
 * UIDs are new on every run (PixelMed's generator), so two runs never collide in a server.
 */
public final class GenerateCtSeries {

    public static final int ROWS = 512;
    public static final int COLUMNS = 512;
    static final double PIXEL_SPACING_MM = 0.488;
    static final double SLICE_THICKNESS_MM = 0.625;
    /** Stored value = HU - intercept; HU -1024 (outside the body) is stored as 0. */
    static final int RESCALE_INTERCEPT = -1024;
    static final String SOURCE_AE_TITLE = "GLASSBOX_BENCH";

    private final Path outputDir;
    private final long seed;
    private final UIDGenerator uids = new UIDGenerator();
    private final String now = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT));

    public GenerateCtSeries(Path outputDir, long seed) {
        this.outputDir = outputDir;
        this.seed = seed;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 4) {
            System.err.println("usage: GenerateCtSeries <output dir> <count> [seed] [study count]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 1L;
        int studies = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        if (count < 1 || studies < 1 || studies > count) {
            System.err.println("count must be >= 1 and study count between 1 and count");
            System.exit(2);
        }
        List<Path> written = new GenerateCtSeries(dir, seed).generate(count, studies);
        System.out.println("wrote " + written.size() + " CT instances in " + studies + " stud"
                + (studies == 1 ? "y" : "ies") + " to " + dir);
    }

    /**
     * Writes {@code count} instances split as evenly as possible over {@code studies} studies (one patient,
     * one series each) and returns the files in the order written.
     */
    public List<Path> generate(int count, int studies) throws IOException, DicomException {
        Files.createDirectories(outputDir);
        List<Path> files = new ArrayList<>(count);
        for (int s = 0; s < studies; s++) {
            int slices = count / studies + (s < count % studies ? 1 : 0);
            files.addAll(writeSeries(s + 1, slices));
        }
        return files;
    }

    private List<Path> writeSeries(int studyNumber, int slices) throws IOException, DicomException {
        String studyId = Integer.toString(studyNumber);
        String studyUid = uids.getNewStudyInstanceUID(studyId);
        String seriesUid = uids.getNewSeriesInstanceUID(studyId, "1");
        String frameOfReferenceUid = uids.getAnotherNewUID();
        Phantom phantom = new Phantom(new SplittableRandom(seed * 1_000_003L + studyNumber));
        List<Path> files = new ArrayList<>(slices);
        for (int i = 0; i < slices; i++) {
            int instanceNumber = i + 1;
            String sopInstanceUid = uids.getNewSOPInstanceUID(studyId, "1", Integer.toString(instanceNumber));
            // Slices run from the skull base (z fraction 0) to the vertex (1) in 0.625 mm steps.
            double z = slices == 1 ? 0.5 : (double) i / (slices - 1);
            double zMm = -i * SLICE_THICKNESS_MM;

            AttributeList list = new AttributeList();
            // Patient
            put(list, TagFromName.PatientName, String.format(Locale.ROOT, "BENCH^PHANTOM%03d", studyNumber));
            put(list, TagFromName.PatientID, String.format(Locale.ROOT, "BENCH-%03d", studyNumber));
            put(list, TagFromName.PatientBirthDate, "19700101");
            put(list, TagFromName.PatientSex, "O");
            // General Study
            put(list, TagFromName.StudyInstanceUID, studyUid);
            put(list, TagFromName.StudyDate, now.substring(0, 8));
            put(list, TagFromName.StudyTime, now.substring(8));
            put(list, TagFromName.ReferringPhysicianName, "");
            put(list, TagFromName.StudyID, studyId);
            put(list, TagFromName.AccessionNumber, String.format(Locale.ROOT, "BENCH%05d", studyNumber));
            put(list, TagFromName.StudyDescription, "Glassbox benchmark head phantom");
            // General Series
            put(list, TagFromName.Modality, "CT");
            put(list, TagFromName.SeriesInstanceUID, seriesUid);
            put(list, TagFromName.SeriesNumber, "1");
            put(list, TagFromName.SeriesDescription, "Axial head phantom 0.625 mm");
            put(list, TagFromName.PatientPosition, "HFS");
            put(list, TagFromName.BodyPartExamined, "HEAD");
            // Frame of Reference
            put(list, TagFromName.FrameOfReferenceUID, frameOfReferenceUid);
            put(list, TagFromName.PositionReferenceIndicator, "");
            // General Equipment
            put(list, TagFromName.Manufacturer, "Glassbox");
            put(list, TagFromName.ManufacturerModelName, "GenerateCtSeries");
            // General Acquisition, General Image
            put(list, TagFromName.AcquisitionNumber, "1");
            put(list, TagFromName.InstanceNumber, Integer.toString(instanceNumber));
            put(list, TagFromName.ContentDate, now.substring(0, 8));
            put(list, TagFromName.ContentTime, now.substring(8));
            put(list, TagFromName.ImageType, "ORIGINAL", "PRIMARY", "AXIAL");
            put(list, TagFromName.BurnedInAnnotation, "NO");
            // Image Plane
            double origin = -(COLUMNS / 2.0) * PIXEL_SPACING_MM;
            put(list, TagFromName.PixelSpacing, mm(PIXEL_SPACING_MM), mm(PIXEL_SPACING_MM));
            put(list, TagFromName.ImageOrientationPatient, "1", "0", "0", "0", "1", "0");
            put(list, TagFromName.ImagePositionPatient, mm(origin), mm(origin), mm(zMm));
            put(list, TagFromName.SliceThickness, mm(SLICE_THICKNESS_MM));
            put(list, TagFromName.SliceLocation, mm(zMm));
            // Image Pixel + CT Image
            put(list, TagFromName.SamplesPerPixel, "1");
            put(list, TagFromName.PhotometricInterpretation, "MONOCHROME2");
            put(list, TagFromName.Rows, Integer.toString(ROWS));
            put(list, TagFromName.Columns, Integer.toString(COLUMNS));
            put(list, TagFromName.BitsAllocated, "16");
            put(list, TagFromName.BitsStored, "16");
            put(list, TagFromName.HighBit, "15");
            put(list, TagFromName.PixelRepresentation, "1");
            put(list, TagFromName.RescaleIntercept, Integer.toString(RESCALE_INTERCEPT));
            put(list, TagFromName.RescaleSlope, "1");
            put(list, TagFromName.RescaleType, "HU");
            put(list, new AttributeTag(0x0018, 0x0060), "120");   // KVP: PixelMed's TagFromName has no constant for it
            put(list, TagFromName.ConvolutionKernel, "STANDARD");
            // VOI LUT: a brain window
            put(list, TagFromName.WindowCenter, "40");
            put(list, TagFromName.WindowWidth, "80");
            // SOP Common
            put(list, TagFromName.SpecificCharacterSet, "ISO_IR 100");
            put(list, TagFromName.SOPClassUID, SOPClass.CTImageStorage);
            put(list, TagFromName.SOPInstanceUID, sopInstanceUid);

            Attribute pixelData = new OtherWordAttribute(TagFromName.PixelData);
            pixelData.setValues(phantom.slice(z));
            list.put(pixelData);

            FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, SOURCE_AE_TITLE);
            Path file = outputDir.resolve(String.format(Locale.ROOT, "s%03d_%05d.dcm", studyNumber, instanceNumber));
            list.write(file.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
            files.add(file);
        }
        return files;
    }

    private static void put(AttributeList list, AttributeTag tag, String... values) throws DicomException {
        Attribute attribute = list.putNewAttribute(tag);
        for (String value : values) {
            if (!value.isEmpty()) {
                attribute.addValue(value);
            }
        }
    }

    private static String mm(double value) {
        // DS is at most 16 characters
        return String.format(Locale.ROOT, "%.4f", value);
    }

    /** An axial head phantom in stored values (HU - intercept). */
    static final class Phantom {
        private final SplittableRandom random;
        /** Per-study shape jitter, so several studies are not copies of each other. */
        private final double scale;
        private final double tilt;
        private double spare;
        private boolean hasSpare;

        Phantom(SplittableRandom random) {
            this.random = random;
            this.scale = 0.92 + 0.12 * random.nextDouble();
            this.tilt = (random.nextDouble() - 0.5) * 0.2;
        }

        /** @param z 0 at the skull base, 1 at the vertex */
        short[] slice(double z) {
            short[] pixels = new short[ROWS * COLUMNS];
            // The head is roughly an ellipsoid: the section shrinks towards the base and the vertex.
            double profile = Math.sqrt(Math.max(0.05, 1 - Math.pow((z - 0.45) / 0.62, 2)));
            double semiX = 170 * scale * profile;          // left-right, pixels
            double semiY = 205 * scale * profile;          // anterior-posterior
            double skull = 14 + 6 * (1 - profile);         // bone thickness, pixels
            // Ventricles only in the middle third; they widen and narrow again.
            double ventricle = z > 0.35 && z < 0.7 ? 30 * Math.sin(Math.PI * (z - 0.35) / 0.35) : 0;
            double cos = Math.cos(tilt);
            double sin = Math.sin(tilt);
            double cx = COLUMNS / 2.0;
            double cy = ROWS / 2.0 + 10;
            for (int row = 0; row < ROWS; row++) {
                for (int col = 0; col < COLUMNS; col++) {
                    double dx = col - cx;
                    double dy = row - cy;
                    double x = dx * cos - dy * sin;
                    double y = dx * sin + dy * cos;
                    double hu = huAt(x, y, semiX, semiY, skull, ventricle, z);
                    // Quantum noise grows with attenuation, as on a real scanner.
                    double sigma = hu < -900 ? 4 : 9;
                    double value = hu + sigma * gaussian() - RESCALE_INTERCEPT;
                    pixels[row * COLUMNS + col] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(value)));
                }
            }
            return pixels;
        }

        private static double huAt(double x, double y, double semiX, double semiY, double skull,
                                   double ventricle, double z) {
            double r = Math.hypot(x / semiX, y / semiY);
            if (r > 1) {
                // A circular reconstruction field of view: air inside, nothing (-1024) outside.
                return Math.hypot(x, y) < 250 ? -1000 : -1024;
            }
            double depth = (1 - r) * Math.min(semiX, semiY);   // pixels in from the outer surface
            if (depth < 3) {
                return 20;                                     // scalp
            }
            if (depth < 3 + skull) {
                // Cortical tables dense, diploe in between.
                double t = (depth - 3) / skull;
                return t < 0.3 || t > 0.7 ? 1500 : 700;
            }
            if (ventricle > 0 && Math.abs(y + 10) < ventricle * 1.6 && Math.abs(Math.abs(x) - 14) < ventricle * 0.35) {
                return 5;                                      // CSF in the lateral ventricles
            }
            // Grey matter near the cortex, white matter deeper, with a gentle gyral pattern.
            double gyri = Math.sin(Math.atan2(y, x) * 23 + z * 9) * 4;
            return depth - skull < 18 + gyri ? 40 : 28;
        }

        /**
         * Box-Muller from the seeded generator (SplittableRandom has no nextGaussian on Java 17); each pair of
         * uniforms yields two normals, the second kept for the next call.
         */
        private double gaussian() {
            if (hasSpare) {
                hasSpare = false;
                return spare;
            }
            double radius = Math.sqrt(-2 * Math.log(1 - random.nextDouble()));
            double angle = 2 * Math.PI * random.nextDouble();
            spare = radius * Math.sin(angle);
            hasSpare = true;
            return radius * Math.cos(angle);
        }
    }
}
