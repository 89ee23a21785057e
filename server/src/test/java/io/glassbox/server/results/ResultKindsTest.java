package io.glassbox.server.results;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import io.glassbox.server.results.ResultUids.Kind;
import io.glassbox.server.results.ResultWriter.ResultObjects;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The result kinds and their writers agree: every {@link Kind} has exactly one registered writer, each object is
 * in its kind's own series under its kind's series number, and the report, which references the others, is
 * written and stored last. A kind added without its writer, or a writer registered under another kind, fails here.
 */
class ResultKindsTest {

    @Test
    void everyKindIsWrittenOnceIntoItsOwnSeries() throws Exception {
        AnalysisResult r = Results.of("CT_small.dcm");
        ResultObjects objects = ResultWriter.write(r, OverlayStyle.DEFAULT);

        assertEquals(EnumSet.allOf(Kind.class), EnumSet.copyOf(objects.byKind().keySet()));
        for (Map.Entry<Kind, AttributeList> e : objects.byKind().entrySet()) {
            Kind kind = e.getKey();
            AttributeList object = e.getValue();
            assertEquals(ResultUids.seriesUid(r.analysisId(), kind),
                    Attribute.getSingleStringValueOrEmptyString(object, TagFromName.SeriesInstanceUID), kind.name());
            assertEquals(kind.seriesNumber(),
                    Attribute.getSingleIntegerValueOrDefault(object, TagFromName.SeriesNumber, -1), kind.name());
            assertEquals(CommonModules.instanceUid(r, kind),
                    Attribute.getSingleStringValueOrEmptyString(object, TagFromName.SOPInstanceUID), kind.name());
        }
        List<Kind> order = List.copyOf(objects.byKind().keySet());
        assertEquals(Kind.STRUCTURED_REPORT, order.get(order.size() - 1), "what the report references comes first");
        assertEquals(Kind.values().length,
                Arrays.stream(Kind.values()).mapToInt(Kind::seriesNumber).distinct().count(),
                "each kind has a series number of its own");
    }
}
