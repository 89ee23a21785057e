package io.glassbox.server.results;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodedSequenceItem;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SequenceItem;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.display.SourceImage;
import io.glassbox.server.results.ResultWriter.ResultObjects;
import io.glassbox.server.testing.DicomTools;
import io.glassbox.server.testing.DicomTools.Verdict;
import io.glassbox.server.testing.TestCorpus;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The three result objects for real images of the pydicom corpus, checked by the real validators: dciodvfy finds no
 * error, dcmdump reads them, PixelMed reads the Parametric Map's floats back exactly, and the report points at
 * the source and the map. The objects and a PNG of each Secondary Capture stay under target/results-test for
 * people to look at.
 */
class ResultWriterTest {

    static final Path OUT = Path.of("target", "results-test");

    /**
     * The dciodvfy warnings these objects are known to draw, and why they are acceptable: Glassbox's private coding
     * scheme (declared in the Coding Scheme Identification Sequence, which dciodvfy does not consult); Device UID
     * in Contributing Equipment (IHE AI Results requires it; this dicom3tools predates it); Derived Pixel Contrast
     * QUANTITY (what highdicom writes for parametric maps; newer than this dicom3tools); an empty Laterality
     * copied from a source that has it empty.
     */
    static final List<Pattern> ACCEPTED_WARNINGS = List.of(
            Pattern.compile(".*CodingSchemeDesignator.*Unrecognized defined term = <99[A-Z]+>.*"),
            Pattern.compile(".*ContributingEquipmentSequence.*DeviceUID\\(0018,1002\\)> - Attribute is not present in "
                    + "standard DICOM IOD.*"),
            Pattern.compile(".*(ImageType\\(0008,0008\\)|FrameType\\(0008,9007\\))\\[4\\]> - Unrecognized defined "
                    + "term = <QUANTITY>.*"),
            Pattern.compile(".*Laterality\\(0020,0060\\)> - is only permitted to be empty when actually unknown.*"));

    @ParameterizedTest
    @ValueSource(strings = {"CT_small.dcm", "MR_small.dcm", "dicomdirtests/77654033/CR1/6154"})
    void dciodvfyFindsNoErrorAndDcmdumpReadsThem(String corpusFile) throws Exception {
        AnalysisResult r = Results.of(corpusFile);
        ResultObjects objects = ResultWriter.write(r, OverlayStyle.DEFAULT);
        Path dir = Files.createDirectories(OUT.resolve(corpusFile.replace('/', '_').replace(".dcm", "")));
        String[] names = {"sc", "pm", "sr"};
        String[] iods = {"SCImage", "ParametricMap", "ComprehensiveSR"};
        AttributeList[] lists = {objects.secondaryCaptures().get(0), map(objects), objects.structuredReport()};
        for (int i = 0; i < names.length; i++) {
            Path file = dir.resolve(names[i] + ".dcm");
            Files.write(file, ResultWriter.part10(lists[i]));

            Verdict verdict = DicomTools.dciodvfy(file);
            assertTrue(verdict.errors().isEmpty(), () -> file + ": dciodvfy errors:\n" + verdict.output());
            String iod = iods[i];
            assertTrue(verdict.output().lines().anyMatch(iod::equals),
                    () -> file + ": dciodvfy did not take it for " + iod + ":\n" + verdict.output());
            List<String> unexpected = verdict.warnings().stream()
                    .filter(w -> ACCEPTED_WARNINGS.stream().noneMatch(p -> p.matcher(w).matches())).toList();
            assertTrue(unexpected.isEmpty(), () -> file + ": unexpected dciodvfy warnings: " + unexpected);

            DicomTools.Run dump = DicomTools.dcmdump(file);
            assertEquals(0, dump.exitCode(), () -> file + ": dcmdump failed:\n" + dump.output());
            String sop = Attribute.getSingleStringValueOrEmptyString(lists[i], TagFromName.SOPInstanceUID);
            assertTrue(dump.output().contains("[" + sop + "]"), () -> "dcmdump did not show " + sop);
            assertTrue(dump.lines().stream().noneMatch(l -> l.startsWith("E:")), dump::output);
        }
        Path png = dir.resolve("sc.png");
        DicomTools.Run convert = DicomTools.dcm2png(dir.resolve("sc.dcm"), png);
        assertEquals(0, convert.exitCode(), convert::output);
        BufferedImage picture = ImageIO.read(png.toFile());
        assertEquals(Attribute.getSingleIntegerValueOrDefault(objects.secondaryCaptures().get(0), TagFromName.Columns,
                0),
                picture.getWidth());
    }

    @ParameterizedTest
    @ValueSource(strings = {"CT_small.dcm", "MR_small.dcm"})
    void parametricMapHoldsTheHeatmapExactly(String corpusFile) throws Exception {
        AnalysisResult r = Results.of(corpusFile);
        AttributeList written = map(ResultWriter.write(r, OverlayStyle.DEFAULT));
        AttributeList pm = readBack(written);
        // The Float Pixel Data appended in one go is what PixelMed itself would write, byte for byte.
        AttributeList withMeta = new AttributeList();
        withMeta.putAll(written);
        withMeta.putAll(io.glassbox.server.store.FileMeta.of(text(written, TagFromName.SOPClassUID),
                text(written, TagFromName.SOPInstanceUID), com.pixelmed.dicom.TransferSyntax.ExplicitVRLittleEndian,
                ResultWriter.SOURCE_AE_TITLE));
        java.io.ByteArrayOutputStream byPixelMed = new java.io.ByteArrayOutputStream();
        withMeta.write(byPixelMed, com.pixelmed.dicom.TransferSyntax.ExplicitVRLittleEndian, true, true);
        assertArrayEquals(byPixelMed.toByteArray(), ResultWriter.part10(written));

        float[] stored = Attribute.getFloatValues(pm, TagFromName.FloatPixelData);
        assertNotNull(stored, "no Float Pixel Data");
        assertArrayEquals(r.heatmap(), stored, 0f, "the map's pixels differ from the plugin's heatmap");
        assertEquals("1.2.840.10008.5.1.4.1.1.30", text(pm, TagFromName.SOPClassUID));
        assertEquals(r.rows(), Attribute.getSingleIntegerValueOrDefault(pm, TagFromName.Rows, 0));
        assertEquals(r.columns(), Attribute.getSingleIntegerValueOrDefault(pm, TagFromName.Columns, 0));
        assertEquals(32, Attribute.getSingleIntegerValueOrDefault(pm, TagFromName.BitsAllocated, 0));
        assertEquals("DERIVED\\PRIMARY\\VOLUME\\QUANTITY", text(pm, TagFromName.ImageType));
        assertEquals(r.sourceString(TagFromName.StudyInstanceUID), text(pm, TagFromName.StudyInstanceUID));
        assertEquals(r.sourceString(TagFromName.FrameOfReferenceUID), text(pm, TagFromName.FrameOfReferenceUID),
                "the map must share the image's Frame of Reference");

        AttributeList shared = item(pm, TagFromName.SharedFunctionalGroupsSequence);
        AttributeList mapping = item(shared, TagFromName.RealWorldValueMappingSequence);
        CodedSequenceItem units = CodedSequenceItem.getSingleCodedSequenceItemOrNull(mapping,
                TagFromName.MeasurementUnitsCodeSequence);
        assertEquals("1", units.getCodeValue());
        assertEquals("UCUM", units.getCodingSchemeDesignator());
        assertFalse(text(mapping, TagFromName.LUTExplanation).isEmpty());
        assertFalse(text(mapping, TagFromName.LUTLabel).isEmpty());
        assertEquals(1.0, Attribute.getSingleDoubleValueOrDefault(mapping, TagFromName.RealWorldValueSlope, 0), 0);
        assertEquals(0.0, Attribute.getSingleDoubleValueOrDefault(mapping, TagFromName.RealWorldValueIntercept, 9), 0);

        AttributeList derivation = item(item(pm, TagFromName.PerFrameFunctionalGroupsSequence),
                TagFromName.DerivationImageSequence);
        AttributeList source = item(derivation, TagFromName.SourceImageSequence);
        assertEquals(r.sourceString(TagFromName.SOPInstanceUID), text(source, TagFromName.ReferencedSOPInstanceUID));
        String description = text(derivation, TagFromName.DerivationDescription);
        assertTrue(description.contains("Grad-CAM") && description.contains("Head CT ICH detector")
                && description.contains("1.0.0"), description);
        AttributeList referencedSeries = item(pm, TagFromName.ReferencedSeriesSequence);
        assertEquals(r.sourceString(TagFromName.SeriesInstanceUID),
                text(referencedSeries, TagFromName.SeriesInstanceUID));
    }

    @Test
    void parametricMapOfAnImageWithoutFrameOfReferenceGetsItsOwn() throws Exception {
        AnalysisResult r = Results.of("dicomdirtests/77654033/CR1/6154");
        assertTrue(r.sourceString(TagFromName.FrameOfReferenceUID).isEmpty(), "the test needs a source without one");
        AttributeList pm = map(ResultWriter.write(r, OverlayStyle.DEFAULT));
        String frameOfReference = text(pm, TagFromName.FrameOfReferenceUID);
        assertTrue(frameOfReference.startsWith("2.25."), frameOfReference);
        assertEquals(frameOfReference, text(map(ResultWriter.write(r, OverlayStyle.DEFAULT)),
                TagFromName.FrameOfReferenceUID), "the same analysis must get the same Frame of Reference");
        AttributeList perFrame = item(pm, TagFromName.PerFrameFunctionalGroupsSequence);
        assertEquals("0\\0\\0", text(item(perFrame, TagFromName.PlanePositionSequence),
                TagFromName.ImagePositionPatient));
        assertArrayEquals(r.heatmap(), Attribute.getFloatValues(readBack(pm), TagFromName.FloatPixelData), 0f);
    }

    @Test
    void structuredReportPointsAtTheSourceTheMapAndTheCapture() throws Exception {
        AnalysisResult r = Results.of("CT_small.dcm");
        ResultObjects objects = ResultWriter.write(r, OverlayStyle.DEFAULT);
        AttributeList sr = readBack(objects.structuredReport());
        String source = r.sourceString(TagFromName.SOPInstanceUID);
        String map = text(map(objects), TagFromName.SOPInstanceUID);
        String capture = text(objects.secondaryCaptures().get(0), TagFromName.SOPInstanceUID);

        assertEquals("1.2.840.10008.5.1.4.1.1.88.33", text(sr, TagFromName.SOPClassUID));
        assertEquals("PARTIAL", text(sr, TagFromName.CompletionFlag));
        assertEquals("UNVERIFIED", text(sr, TagFromName.VerificationFlag));
        assertEquals("126000", concept(sr).getCodeValue());
        AttributeList template = item(sr, TagFromName.ContentTemplateSequence);
        assertEquals("1500", text(template, TagFromName.TemplateIdentifier));

        List<AttributeList> items = new ArrayList<>();
        collect(sr, items);
        List<String> imageRefs = new ArrayList<>();
        for (AttributeList i : items) {
            if ("IMAGE".equals(text(i, TagFromName.ValueType))) {
                imageRefs.add(text(item(i, TagFromName.ReferencedSOPSequence), TagFromName.ReferencedSOPInstanceUID));
            }
        }
        assertTrue(imageRefs.contains(source), "no IMAGE item references the source: " + imageRefs);
        assertTrue(imageRefs.contains(map), "no IMAGE item references the Parametric Map: " + imageRefs);
        assertTrue(imageRefs.contains(capture), "no IMAGE item references the Secondary Capture: " + imageRefs);
        AttributeList mapItem = items.stream().filter(i -> "IMAGE".equals(text(i, TagFromName.ValueType))
                && map.equals(text(item(i, TagFromName.ReferencedSOPSequence), TagFromName.ReferencedSOPInstanceUID)))
                .findFirst().orElseThrow();
        assertEquals(ParametricMapWriter.EXPLANATION_MAP.value(), concept(mapItem).getCodeValue());

        assertEquals(r.finding().concept().value(), codeValueOf(items, "121071"), "Finding");
        assertEquals(r.algorithm().name(), textValueOf(items, "111001"), "Algorithm Name");
        assertEquals(r.algorithm().version(), textValueOf(items, "111003"), "Algorithm Version");
        assertEquals(r.algorithm().deviceUid(), uidValueOf(items, "121012"), "Device Observer UID");
        AttributeList score = items.stream().filter(i -> "NUM".equals(text(i, TagFromName.ValueType))).findFirst()
                .orElseThrow();
        AttributeList measured = item(score, TagFromName.MeasuredValueSequence);
        assertEquals(0.87, Attribute.getSingleDoubleValueOrDefault(measured, TagFromName.NumericValue, -1), 1e-9);
        assertEquals("1", CodedSequenceItem.getSingleCodedSequenceItemOrNull(measured,
                TagFromName.MeasurementUnitsCodeSequence).getCodeValue());
        List<String> parameters = items.stream().filter(i -> "111002".equals(conceptValue(i)))
                .map(i -> text(i, TagFromName.TextValue)).toList();
        assertTrue(parameters.contains("Explanation method: Grad-CAM"), parameters::toString);
        assertTrue(parameters.contains("Explanation target layer: features.7"), parameters::toString);

        // Evidence: every referenced instance, filed under its own series.
        AttributeList study = item(sr, TagFromName.CurrentRequestedProcedureEvidenceSequence);
        assertEquals(r.sourceString(TagFromName.StudyInstanceUID), text(study, TagFromName.StudyInstanceUID));
        List<String> evidence = new ArrayList<>();
        for (AttributeList series : items(study, TagFromName.ReferencedSeriesSequence)) {
            for (AttributeList instance : items(series, TagFromName.ReferencedSOPSequence)) {
                evidence.add(text(series, TagFromName.SeriesInstanceUID) + "/"
                        + text(instance, TagFromName.ReferencedSOPInstanceUID));
            }
        }
        assertEquals(Set.of(r.sourceString(TagFromName.SeriesInstanceUID) + "/" + source,
                text(map(objects), TagFromName.SeriesInstanceUID) + "/" + map,
                text(objects.secondaryCaptures().get(0), TagFromName.SeriesInstanceUID) + "/" + capture),
                Set.copyOf(evidence));
    }

    @Test
    void secondaryCaptureShowsTheHeatmapOverTheImage() throws Exception {
        AnalysisResult r = Results.of("CT_small.dcm");
        AttributeList sc = readBack(ResultWriter.write(r, OverlayStyle.window(40, 400)).secondaryCaptures().get(0));

        assertEquals("1.2.840.10008.5.1.4.1.1.7", text(sc, TagFromName.SOPClassUID));
        assertEquals("DERIVED\\SECONDARY", text(sc, TagFromName.ImageType));
        assertEquals("WSD", text(sc, TagFromName.ConversionType));
        assertEquals("YES", text(sc, TagFromName.BurnedInAnnotation));
        assertEquals("RGB", text(sc, TagFromName.PhotometricInterpretation));
        assertEquals(8, Attribute.getSingleIntegerValueOrDefault(sc, TagFromName.BitsAllocated, 0));
        // 64 characters at most: the model name gives way, "AI-generated", version and method stay.
        String description = text(sc, TagFromName.SeriesDescription);
        assertTrue(description.startsWith("AI-generated - Glassbox Head CT ICH") && description.endsWith(
                " 1.0.0 - Grad-CAM overlay") && description.length() <= 64, description);
        String derivation = text(sc, TagFromName.DerivationDescription);
        assertTrue(derivation.contains("Head CT ICH detector 1.0.0") && derivation.contains("Grad-CAM"), derivation);
        assertEquals(r.sourceString(TagFromName.SOPInstanceUID),
                text(item(sc, TagFromName.SourceImageSequence), TagFromName.ReferencedSOPInstanceUID));
        for (AttributeTag copied : new AttributeTag[] {TagFromName.PatientName, TagFromName.PatientID,
            TagFromName.PatientSex, TagFromName.StudyInstanceUID, TagFromName.StudyDate, TagFromName.StudyTime,
            TagFromName.StudyID}) {
            assertEquals(r.sourceString(copied), text(sc, copied), copied.toString());
        }
        assertEquals("L\\P", text(sc, TagFromName.PatientOrientation));

        // The picture: enlarged to at least 512 pixels; coloured where the model looked, plain grey where it did not.
        int scale = (int) Math.ceil(512.0 / Math.max(r.rows(), r.columns()));
        BufferedImage picture = new SourceImage(sc).getBufferedImage(0);
        assertTrue(picture.getHeight() > r.rows() * scale, "no caption band below the image");
        assertTrue(picture.getWidth() > r.columns() * scale, "no legend beside the image");
        int peakX = (int) ((Math.round(r.columns() * 0.6) + 0.5) * scale);
        int peakY = (int) ((Math.round(r.rows() * 0.4) + 0.5) * scale);
        int peak = picture.getRGB(peakX, peakY);
        assertTrue(red(peak) > blue(peak) + 40, String.format("the heatmap's peak is not red: #%06X", peak & 0xFFFFFF));
        int corner = picture.getRGB(2, 2);
        assertTrue(red(corner) == green(corner) && green(corner) == blue(corner),
                String.format("where attention is 0 the image must stay grey: #%06X", corner & 0xFFFFFF));
    }

    @Test
    void everyObjectNamesTheAlgorithmAsContributingEquipment() throws Exception {
        AnalysisResult r = Results.of("MR_small.dcm");
        ResultObjects objects = ResultWriter.write(r, OverlayStyle.DEFAULT);
        for (AttributeList object : inStorageOrder(objects)) {
            AttributeList equipment = item(object, TagFromName.ContributingEquipmentSequence);
            CodedSequenceItem purpose = CodedSequenceItem.getSingleCodedSequenceItemOrNull(equipment,
                    TagFromName.PurposeOfReferenceCodeSequence);
            assertEquals("Newcode1", purpose.getCodeValue());
            assertEquals("99IHE", purpose.getCodingSchemeDesignator());
            assertEquals("Processing Algorithm", purpose.getCodeMeaning());
            assertEquals("Glassbox project", text(equipment, TagFromName.Manufacturer));
            assertEquals("Head CT ICH detector", text(equipment, TagFromName.ManufacturerModelName));
            assertEquals("1.0.0", text(equipment, TagFromName.SoftwareVersions));
            assertEquals(r.algorithm().deviceUid(), text(equipment, TagFromName.DeviceUID));
            assertEquals("Glassbox", text(object, TagFromName.Manufacturer));
            assertEquals(r.sourceString(TagFromName.StudyInstanceUID), text(object, TagFromName.StudyInstanceUID));
        }
        // The Device UID follows the weights, and only the weights.
        String sameWeights = ResultUids.deviceUid(Results.WEIGHTS_SHA256);
        String otherWeights = ResultUids.deviceUid(Results.WEIGHTS_SHA256.replace('3', '4'));
        assertEquals(r.algorithm().deviceUid(), sameWeights);
        assertNotEquals(sameWeights, otherWeights);
        assertTrue(sameWeights.matches("2\\.25\\.[1-9][0-9]{0,38}"), sameWeights);
    }

    @Test
    void theSameAnalysisGivesTheSameBytesAndAnotherGivesNewUids() throws Exception {
        AttributeList source = Results.read("CT_small.dcm");
        UUID analysis = UUID.randomUUID();
        ResultObjects first = ResultWriter.write(Results.of(source, analysis, 0.87, Results.WEIGHTS_SHA256),
                OverlayStyle.DEFAULT);
        ResultObjects again = ResultWriter.write(Results.of(source, analysis, 0.87, Results.WEIGHTS_SHA256),
                OverlayStyle.DEFAULT);
        ResultObjects other = ResultWriter.write(Results.of(source, UUID.randomUUID(), 0.87, Results.WEIGHTS_SHA256),
                OverlayStyle.DEFAULT);
        List<String> series = new ArrayList<>();
        series.add(Attribute.getSingleStringValueOrEmptyString(source, TagFromName.SeriesInstanceUID));
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(ResultWriter.part10(inStorageOrder(first)[i]),
                    ResultWriter.part10(inStorageOrder(again)[i]),
                    "writing the same analysis again changed object " + i);
            assertNotEquals(text(inStorageOrder(first)[i], TagFromName.SOPInstanceUID),
                    text(inStorageOrder(other)[i], TagFromName.SOPInstanceUID));
            series.add(text(inStorageOrder(first)[i], TagFromName.SeriesInstanceUID));
        }
        assertEquals(4, Set.copyOf(series).size(), "each result must be in its own new series: " + series);
    }

    @Test
    void namesOutsideAsciiSurviveAndPrivateCodesAreDeclared() throws Exception {
        AttributeList source = Results.read("MR_small.dcm");
        // The patient's name in Latin-1, as many modalities send it; the results are UTF-8 whatever the source.
        com.pixelmed.dicom.SpecificCharacterSet latin1 = new com.pixelmed.dicom.SpecificCharacterSet(
                new String[] {"ISO_IR 100"});
        Attribute name = new com.pixelmed.dicom.PersonNameAttribute(TagFromName.PatientName, latin1);
        name.addValue("Müller^Jörg");
        source.put(name);
        AnalysisResult base = Results.of(source, UUID.randomUUID(), 0.7, Results.WEIGHTS_SHA256);
        Code vendorFinding = new Code("ACME-17", "99ACME", "Hyperdense focus");
        AnalysisResult r = new AnalysisResult(base.analysisId(), source, 1, base.heatmap(),
                new AnalysisResult.Finding("Hyperdense focus", vendorFinding, 0.7, 0.5), base.explanation(),
                new AnalysisResult.Algorithm("acme", "Détecteur ACME", "2.1", "ACME Médical",
                        Results.WEIGHTS_SHA256, false), base.timing());
        ResultObjects objects = ResultWriter.write(r, OverlayStyle.DEFAULT);
        for (AttributeList object : inStorageOrder(objects)) {
            AttributeList back = readBack(object);
            assertEquals("ISO_IR 192", text(back, TagFromName.SpecificCharacterSet));
            assertEquals("Müller^Jörg", text(back, TagFromName.PatientName));
            assertEquals("ACME Médical", text(item(back, TagFromName.ContributingEquipmentSequence),
                    TagFromName.Manufacturer));
        }
        Path file = Files.createDirectories(OUT.resolve("non-ascii")).resolve("sr.dcm");
        Files.write(file, ResultWriter.part10(objects.structuredReport()));
        Verdict verdict = DicomTools.dciodvfy(file);
        assertTrue(verdict.errors().isEmpty(), verdict::output);
        List<String> schemes = items(objects.structuredReport(), TagFromName.CodingSchemeIdentificationSequence)
                .stream().map(i -> text(i, TagFromName.CodingSchemeDesignator)).toList();
        assertTrue(schemes.containsAll(List.of("99IHE", "99ACME", "99GLASSBOX")), schemes::toString);
    }

    @Test
    void aHeatmapThatDoesNotFitTheImageIsRefused() throws Exception {
        AttributeList source = Results.read("MR_small.dcm");
        AnalysisResult good = Results.of(source, UUID.randomUUID(), 0.3, Results.WEIGHTS_SHA256);
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> withHeatmap(good, new float[good.heatmap().length - 1]));
        assertTrue(size.getMessage().contains("64 × 64"), size.getMessage());
        float[] nan = good.heatmap().clone();
        nan[10] = Float.NaN;
        assertThrows(IllegalArgumentException.class, () -> withHeatmap(good, nan));
        float[] tooHigh = good.heatmap().clone();
        tooHigh[10] = 1.5f;
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> withHeatmap(good, tooHigh));
        assertTrue(range.getMessage().contains("normalise"), range.getMessage());
    }

    @Test
    void aHeaderWithoutPixelsCannotBeDrawn() throws Exception {
        AttributeList header = new AttributeList();
        header.read(TestCorpus.file("CT_small.dcm").toString(), TagFromName.PixelData);
        AnalysisResult r = Results.of(header, UUID.randomUUID(), 0.9, Results.WEIGHTS_SHA256);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ResultWriter.write(r, OverlayStyle.DEFAULT));
        assertTrue(e.getMessage().contains("no pixel data"), e.getMessage());
    }

    private static AnalysisResult withHeatmap(AnalysisResult r, float[] heatmap) {
        return new AnalysisResult(r.analysisId(), r.source(), r.frameNumber(), heatmap, r.finding(),
                r.explanation(), r.algorithm(), r.timing());
    }

    /** The one Parametric Map of an analysis of one image. */
    static AttributeList map(ResultObjects objects) {
        assertEquals(1, objects.parametricMaps().size());
        return objects.parametricMaps().get(0).object();
    }

    static AttributeList[] inStorageOrder(ResultObjects objects) {
        return objects.inStorageOrder().stream().map(java.util.Map.Entry::getValue).toArray(AttributeList[]::new);
    }

    /** Through Part 10 bytes and back, as a reader of the stored file sees it. */
    static AttributeList readBack(AttributeList object) throws Exception {
        AttributeList list = new AttributeList();
        try (com.pixelmed.dicom.DicomInputStream in = new com.pixelmed.dicom.DicomInputStream(
                new ByteArrayInputStream(ResultWriter.part10(object)))) {
            list.read(in);
        }
        return list;
    }

    static String text(AttributeList list, AttributeTag tag) {
        return Attribute.getDelimitedStringValuesOrEmptyString(list, tag).trim();
    }

    static AttributeList item(AttributeList list, AttributeTag sequence) {
        List<AttributeList> all = items(list, sequence);
        assertFalse(all.isEmpty(), "no item in " + sequence);
        return all.get(0);
    }

    static List<AttributeList> items(AttributeList list, AttributeTag sequence) {
        List<AttributeList> out = new ArrayList<>();
        if (list.get(sequence) instanceof SequenceAttribute s) {
            for (Iterator<SequenceItem> it = s.iterator(); it.hasNext();) {
                out.add(it.next().getAttributeList());
            }
        }
        return out;
    }

    /** Every content item of the tree under {@code node}, depth first. */
    static void collect(AttributeList node, List<AttributeList> into) {
        for (AttributeList child : items(node, TagFromName.ContentSequence)) {
            into.add(child);
            collect(child, into);
        }
    }

    static CodedSequenceItem concept(AttributeList item) {
        return CodedSequenceItem.getSingleCodedSequenceItemOrNull(item, TagFromName.ConceptNameCodeSequence);
    }

    static String conceptValue(AttributeList item) {
        CodedSequenceItem c = concept(item);
        return c == null ? "" : c.getCodeValue();
    }

    private static String codeValueOf(List<AttributeList> items, String conceptName) {
        return items.stream().filter(i -> conceptName.equals(conceptValue(i))).findFirst()
                .map(i -> CodedSequenceItem.getSingleCodedSequenceItemOrNull(i, TagFromName.ConceptCodeSequence)
                        .getCodeValue()).orElse(null);
    }

    private static String textValueOf(List<AttributeList> items, String conceptName) {
        return items.stream().filter(i -> conceptName.equals(conceptValue(i))).findFirst()
                .map(i -> text(i, TagFromName.TextValue)).orElse(null);
    }

    private static String uidValueOf(List<AttributeList> items, String conceptName) {
        return items.stream().filter(i -> conceptName.equals(conceptValue(i))).findFirst()
                .map(i -> text(i, TagFromName.UID)).orElse(null);
    }

    private static int red(int rgb) {
        return (rgb >> 16) & 0xFF;
    }

    private static int green(int rgb) {
        return (rgb >> 8) & 0xFF;
    }

    private static int blue(int rgb) {
        return rgb & 0xFF;
    }
}
