package io.glassbox.server.results;

import static io.glassbox.server.results.ResultWriterTest.item;
import static io.glassbox.server.results.ResultWriterTest.items;
import static io.glassbox.server.results.ResultWriterTest.readBack;
import static io.glassbox.server.results.ResultWriterTest.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.CodedSequenceItem;
import com.pixelmed.dicom.TagFromName;
import io.glassbox.server.results.ResultWriter.ResultObjects;
import io.glassbox.server.results.ResultWriter.WrittenMap;
import io.glassbox.server.testing.DicomTools;
import io.glassbox.server.testing.DicomTools.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The shape of the results of a whole series, as a DICOMweb viewer uses them: one multi-frame Parametric Map per
 * analysed series and class whose frames follow the source slices in space and carry their geometry, and one
 * report per analysis whose measurement groups place each finding on its image. The series is pydicom's CT_small
 * repeated at known positions, the heatmaps Gaussian blobs at known places; the objects stay under
 * target/results-test/series for people to look at.
 */
class SeriesResultsTest {

    static final Path OUT = ResultWriterTest.OUT.resolve("series");
    private static final Code OTHER_FINDING = new Code("GBX-OTHER", Code.GLASSBOX_SCHEME, "Other finding");

    /** Offsets along the slice normal in job (Instance Number) order: not the spatial order. */
    private static final double[] OFFSETS = {5, -2.5, 0, 10, 2.5};
    private static final double[] SCORES = {0.9, 0.2, 0.8, 0.1, 0.7};

    private final String series = ResultUids.random();
    private final UUID lesion = UUID.randomUUID();
    private final UUID other = UUID.randomUUID();
    private final UUID report = UUID.randomUUID();

    /** The series's slices analysed for one class: each blob a little further right, so every frame differs. */
    private List<AnalysisResult> analysed(UUID analysisId, Code concept, double[] scores) throws Exception {
        List<AnalysisResult> results = new ArrayList<>();
        for (int k = 0; k < OFFSETS.length; k++) {
            AttributeList slice = Results.slice(series, sopOf(k), OFFSETS[k], k + 1);
            results.add(Results.of(slice, analysisId, concept, scores[k],
                    Results.blobAt(128, 128, 30 + 15 * k, 50, 6)));
        }
        return results;
    }

    private String sopOf(int k) {
        return series + "." + (k + 1);
    }

    @Test
    void oneMapPerSeriesAndClassWithFramesInTheSourcesSpatialOrderAndGeometry() throws Exception {
        List<AnalysisResult> results = analysed(lesion, Code.HAEMORRHAGE_LIKE_LESION, SCORES);
        ResultObjects objects = ResultWriter.write(report, results, OverlayStyle.DEFAULT);

        assertEquals(OFFSETS.length, objects.secondaryCaptures().size(), "a capture per image");
        assertEquals(1, objects.parametricMaps().size(), "one map for the series");
        WrittenMap written = objects.parametricMaps().get(0);
        List<AnalysisResult> spatial = new ArrayList<>(results);
        spatial.sort(Comparator.comparingDouble(r -> OFFSETS[results.indexOf(r)]));
        assertEquals(spatial, written.frames());

        AttributeList pm = readBack(written.object());
        assertEquals(OFFSETS.length, Attribute.getSingleIntegerValueOrDefault(pm, TagFromName.NumberOfFrames, 0));
        assertEquals(128, Attribute.getSingleIntegerValueOrDefault(pm, TagFromName.Rows, 0));
        assertEquals(128, Attribute.getSingleIntegerValueOrDefault(pm, TagFromName.Columns, 0));
        assertEquals(results.get(0).sourceString(TagFromName.FrameOfReferenceUID),
                text(pm, TagFromName.FrameOfReferenceUID));
        float[] pixels = Attribute.getFloatValues(pm, TagFromName.FloatPixelData);
        assertEquals(OFFSETS.length * 128 * 128, pixels.length);
        List<AttributeList> frames = items(pm, TagFromName.PerFrameFunctionalGroupsSequence);
        assertEquals(OFFSETS.length, frames.size());
        double previous = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < frames.size(); i++) {
            AnalysisResult source = spatial.get(i);
            AttributeList frame = frames.get(i);
            AttributeList derived = item(item(frame, TagFromName.DerivationImageSequence),
                    TagFromName.SourceImageSequence);
            assertEquals(source.sourceString(TagFromName.SOPInstanceUID),
                    text(derived, TagFromName.ReferencedSOPInstanceUID), "frame " + (i + 1));
            double[] position = Attribute.getDoubleValues(item(frame, TagFromName.PlanePositionSequence),
                    TagFromName.ImagePositionPatient);
            assertArrayEquals(Attribute.getDoubleValues(source.source(), TagFromName.ImagePositionPatient),
                    position, 1e-6, "frame " + (i + 1));
            assertTrue(position[2] > previous, "frames ascend along the normal (0\\0\\1 here)");
            previous = position[2];
            assertArrayEquals(Attribute.getDoubleValues(source.source(), TagFromName.ImageOrientationPatient),
                    Attribute.getDoubleValues(item(frame, TagFromName.PlaneOrientationSequence),
                            TagFromName.ImageOrientationPatient), 1e-9);
            assertArrayEquals(Attribute.getDoubleValues(source.source(), TagFromName.PixelSpacing),
                    Attribute.getDoubleValues(item(frame, TagFromName.PixelMeasuresSequence),
                            TagFromName.PixelSpacing), 1e-9);
            assertEquals(i + 1, Attribute.getSingleIntegerValueOrDefault(
                    item(frame, TagFromName.FrameContentSequence), TagFromName.DimensionIndexValues, 0));
            assertArrayEquals(source.heatmap(), Arrays.copyOfRange(pixels, i * 128 * 128, (i + 1) * 128 * 128), 0f,
                    "frame " + (i + 1) + " is the heatmap of its source slice");
        }
        AttributeList referencedSeries = item(pm, TagFromName.ReferencedSeriesSequence);
        assertEquals(series, text(referencedSeries, TagFromName.SeriesInstanceUID));
        Set<String> referenced = new HashSet<>();
        items(referencedSeries, TagFromName.ReferencedInstanceSequence)
                .forEach(i -> referenced.add(text(i, TagFromName.ReferencedSOPInstanceUID)));
        assertEquals(Set.of(sopOf(0), sopOf(1), sopOf(2), sopOf(3), sopOf(4)), referenced);

        // Valid as written; and a retry, which may meet the inputs in another order, writes the very same map.
        assertValid(written.object(), "pm-series.dcm", "ParametricMap");
        assertValid(objects.structuredReport(), "sr-series.dcm", "ComprehensiveSR");
        List<AnalysisResult> reordered = new ArrayList<>(results);
        java.util.Collections.reverse(reordered);
        assertArrayEquals(ResultWriter.part10(written.object()),
                ResultWriter.part10(ResultWriter.parametricMaps(reordered).get(0).object()));
        assertEquals(text(objects.structuredReport(), TagFromName.SOPInstanceUID),
                text(ResultWriter.write(report, reordered, OverlayStyle.DEFAULT).structuredReport(),
                        TagFromName.SOPInstanceUID));
        // A retry that could analyse fewer slices (an input gone since) writes another map, never one under the
        // stored map's UID that holds other frames.
        assertNotEquals(written.sopInstanceUid(),
                ResultWriter.parametricMaps(results.subList(0, 4)).get(0).sopInstanceUid());
    }

    @Test
    void theFramesOfAMultiFrameSourceBecomeMapFramesThatNameTheirSourceFrame() throws Exception {
        AttributeList source = Results.multiFrame(series, sopOf(0), 7.5, 0, 2.5);
        List<AnalysisResult> results = new ArrayList<>();
        for (int frame = 1; frame <= 3; frame++) {
            results.add(Results.of(source, frame, lesion, Code.HAEMORRHAGE_LIKE_LESION, 0.9,
                    Results.blobAt(128, 128, 20 + 30 * frame, 60, 6)));
        }
        List<WrittenMap> maps = ResultWriter.parametricMaps(results);
        assertEquals(1, maps.size());
        assertEquals(List.of(2, 3, 1), maps.get(0).frames().stream().map(AnalysisResult::frameNumber).toList(),
                "the source's frames in spatial order");
        List<AttributeList> frames = items(readBack(maps.get(0).object()),
                TagFromName.PerFrameFunctionalGroupsSequence);
        int[] expected = {2, 3, 1};
        for (int i = 0; i < 3; i++) {
            AttributeList derived = item(item(frames.get(i), TagFromName.DerivationImageSequence),
                    TagFromName.SourceImageSequence);
            assertEquals(sopOf(0), text(derived, TagFromName.ReferencedSOPInstanceUID));
            assertEquals(expected[i], Attribute.getSingleIntegerValueOrDefault(derived,
                    TagFromName.ReferencedFrameNumber, 0), "map frame " + (i + 1));
        }
        AttributeList report = ResultWriter.structuredReport(this.report, results, maps);
        List<AttributeList> all = new ArrayList<>();
        ResultWriterTest.collect(readBack(report), all);
        List<Integer> selectedFrames = new ArrayList<>();
        for (AttributeList region : all.stream().filter(i -> "111030".equals(ResultWriterTest.conceptValue(i)))
                .toList()) {
            selectedFrames.add(Attribute.getSingleIntegerValueOrDefault(item(item(region,
                    TagFromName.ContentSequence), TagFromName.ReferencedSOPSequence), TagFromName.ReferencedFrameNumber,
                    0));
        }
        assertEquals(List.of(2, 3, 1), selectedFrames, "each region is selected from its own source frame");
        assertValid(maps.get(0).object(), "pm-multiframe-source.dcm", "ParametricMap");
        assertValid(report, "sr-multiframe-source.dcm", "ComprehensiveSR");
    }

    @Test
    void framesOfAnotherSizeOrOrientationInTheSeriesGetAMapOfTheirOwn() throws Exception {
        List<AnalysisResult> results = new ArrayList<>(analysed(lesion, Code.HAEMORRHAGE_LIKE_LESION, SCORES)
                .subList(0, 3));
        // A 64 × 64 image filed in the same series, and a sagittal slice (another orientation).
        AttributeList small = Results.read("MR_small.dcm");
        Dicom.put(small, TagFromName.SeriesInstanceUID, series);
        results.add(Results.of(small, lesion, Code.HAEMORRHAGE_LIKE_LESION, 0.9, Results.blob(small)));
        AttributeList sagittal = Results.slice(series, series + ".99", 0, 99);
        Dicom.put(sagittal, TagFromName.ImageOrientationPatient, 0, 1, 0, 0, 0, -1);
        results.add(Results.of(sagittal, lesion, Code.HAEMORRHAGE_LIKE_LESION, 0.9, Results.blob(sagittal)));

        List<WrittenMap> maps = ResultWriter.parametricMaps(results);
        assertEquals(List.of(3, 1, 1), maps.stream().map(m -> m.frames().size()).toList());
        assertEquals(3, maps.stream().map(WrittenMap::sopInstanceUid).distinct().count());
        assertEquals(1, maps.stream().map(WrittenMap::seriesInstanceUid).distinct().count(),
                "one Parametric Map series per class");
        for (int i = 0; i < maps.size(); i++) {
            assertValid(maps.get(i).object(), "pm-group-" + i + ".dcm", "ParametricMap");
        }
    }

    @Test
    void theReportHasAMeasurementGroupPerFindingImageWithTheRegionOnThatImage() throws Exception {
        List<AnalysisResult> results = new ArrayList<>(analysed(lesion, Code.HAEMORRHAGE_LIKE_LESION, SCORES));
        results.addAll(analysed(other, OTHER_FINDING, new double[] {0.1, 0.1, 0.1, 0.1, 0.1}));
        ResultObjects objects = ResultWriter.write(report, results, OverlayStyle.DEFAULT);
        assertEquals(2, objects.parametricMaps().size(), "a map per class");
        WrittenMap lesionMap = objects.parametricMaps().get(0);
        AttributeList sr = readBack(objects.structuredReport());
        assertEquals(ResultUids.reportUid(report), text(sr, TagFromName.SOPInstanceUID));

        List<AttributeList> all = new ArrayList<>();
        ResultWriterTest.collect(sr, all);
        List<AttributeList> groups = all.stream().filter(i -> "125007".equals(ResultWriterTest.conceptValue(i)))
                .toList();
        Set<String> grouped = new HashSet<>();
        for (AttributeList group : groups) {
            List<AttributeList> children = items(group, TagFromName.ContentSequence);
            String source = referenced(child(children, "121112"));
            AnalysisResult result = results.stream().filter(r -> r.analysisId().equals(lesion)
                    && r.sourceString(TagFromName.SOPInstanceUID).equals(source)).findFirst().orElseThrow();
            grouped.add(source);

            AttributeList region = child(children, "111030");
            assertEquals("SCOORD", text(region, TagFromName.ValueType));
            assertEquals("POLYLINE", text(region, TagFromName.GraphicType));
            AttributeList selectedFrom = item(region, TagFromName.ContentSequence);
            assertEquals("SELECTED FROM", text(selectedFrom, TagFromName.RelationshipType));
            assertEquals(source, referenced(selectedFrom), "the region is on the group's own image");
            float[] outline = Attribute.getFloatValues(region, TagFromName.GraphicData);
            assertEquals(outline[0], outline[outline.length - 2], 0f, "closed");
            assertEquals(outline[1], outline[outline.length - 1], 0f, "closed");
            int k = Integer.parseInt(source.substring(source.lastIndexOf('.') + 1)) - 1;
            assertTrue(inside(outline, 30 + 15 * k + 0.5, 50.5), "the outline encloses the blob's peak");
            assertTrue(!inside(outline, 30 + 15 * k + 0.5, 50.5 + 20), "and not what is far from it");

            AttributeList map = child(children, ParametricMapWriter.EXPLANATION_MAP.value());
            assertEquals(lesionMap.sopInstanceUid(), referenced(map));
            assertEquals(lesionMap.frames().indexOf(result) + 1, Attribute.getSingleIntegerValueOrDefault(
                    item(map, TagFromName.ReferencedSOPSequence), TagFromName.ReferencedFrameNumber, 0),
                    "the map frame of the group's image");
            assertEquals(CommonModules.instanceUid(result, ResultUids.Kind.SECONDARY_CAPTURE),
                    referenced(child(children, "125201")));
            assertEquals(result.finding().probability(), Attribute.getSingleDoubleValueOrDefault(
                    item(child(children, "111012"), TagFromName.MeasuredValueSequence), TagFromName.NumericValue,
                    -1), 1e-9);
        }
        assertEquals(Set.of(sopOf(0), sopOf(2), sopOf(4)), grouped, "a group per image with a finding");
        assertEquals(3, groups.size());

        AttributeList evaluations = all.stream().filter(i -> "C0034375".equals(ResultWriterTest.conceptValue(i)))
                .findFirst().orElseThrow();
        List<String> verdicts = items(evaluations, TagFromName.ContentSequence).stream()
                .map(i -> ResultWriterTest.conceptValue(i) + "=" + CodedSequenceItem.getSingleCodedSequenceItemOrNull(
                        i, TagFromName.ConceptCodeSequence).getCodeValue()).toList();
        assertEquals(List.of("GBX-ICH-LIKE=52101004", "GBX-OTHER=272519000"), verdicts);

        Set<String> evidence = new HashSet<>();
        for (AttributeList s : items(item(sr, TagFromName.CurrentRequestedProcedureEvidenceSequence),
                TagFromName.ReferencedSeriesSequence)) {
            items(s, TagFromName.ReferencedSOPSequence).forEach(i -> evidence.add(
                    text(i, TagFromName.ReferencedSOPInstanceUID)));
        }
        assertEquals(5 + 2 + 3, evidence.size(), "the sources, both maps, the three captures with a finding");
        assertNotEquals(ResultUids.seriesUid(lesion, ResultUids.Kind.STRUCTURED_REPORT),
                text(sr, TagFromName.SeriesInstanceUID), "the report is the analysis's, not one class's");
        assertValid(objects.structuredReport(), "sr-two-classes.dcm", "ComprehensiveSR");
    }

    private static AttributeList child(List<AttributeList> children, String conceptValue) {
        return children.stream().filter(c -> conceptValue.equals(ResultWriterTest.conceptValue(c))).findFirst()
                .orElseThrow(() -> new AssertionError("no content item " + conceptValue));
    }

    private static String referenced(AttributeList imageItem) {
        return text(item(imageItem, TagFromName.ReferencedSOPSequence), TagFromName.ReferencedSOPInstanceUID);
    }

    /** Even-odd rule: whether (x, y) lies inside the closed polygon of column\row pairs. */
    private static boolean inside(float[] polygon, double x, double y) {
        boolean in = false;
        for (int i = 0, j = polygon.length - 2; i < polygon.length; j = i, i += 2) {
            double xi = polygon[i];
            double yi = polygon[i + 1];
            double xj = polygon[j];
            double yj = polygon[j + 1];
            if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) {
                in = !in;
            }
        }
        return in;
    }

    private static void assertValid(AttributeList object, String name, String iod) throws Exception {
        Path file = Files.createDirectories(OUT).resolve(name);
        Files.write(file, ResultWriter.part10(object));
        Verdict verdict = DicomTools.dciodvfy(file);
        assertEquals(List.of(), verdict.errors(), () -> file + ":\n" + verdict.output());
        assertTrue(verdict.output().lines().anyMatch(iod::equals), () -> file + " is no " + iod);
        List<String> unexpected = verdict.warnings().stream().filter(w -> ResultWriterTest.ACCEPTED_WARNINGS.stream()
                .noneMatch(p -> p.matcher(w).matches())).toList();
        assertEquals(List.of(), unexpected, file::toString);
        assertEquals(0, DicomTools.dcmdump(file).exitCode(), file::toString);
    }
}
