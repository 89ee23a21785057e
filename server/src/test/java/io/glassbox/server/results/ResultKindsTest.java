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
 * The result kinds and their writers agree: an analysis of one image gives one object of every {@link Kind}, each
 * in its kind's own series under its kind's series number and under the UID its kind is named by, and the report,
 * which references the others, is stored last.
 */
class ResultKindsTest {

    @Test
    void everyKindIsWrittenOnceIntoItsOwnSeries() throws Exception {
        AnalysisResult r = Results.of("CT_small.dcm");
        ResultObjects objects = ResultWriter.write(r, OverlayStyle.DEFAULT);

        List<Map.Entry<Kind, AttributeList>> stored = objects.inStorageOrder();
        assertEquals(Kind.values().length, stored.size());
        assertEquals(EnumSet.allOf(Kind.class), EnumSet.copyOf(stored.stream().map(Map.Entry::getKey).toList()));
        Map<Kind, String> uids = Map.of(Kind.SECONDARY_CAPTURE, CommonModules.instanceUid(r, Kind.SECONDARY_CAPTURE),
                Kind.PARAMETRIC_MAP, ResultUids.parametricMapUid(r.analysisId(),
                        ParametricMapWriter.contentKey(ParametricMapWriter.stackKey(r), List.of(r))),
                Kind.STRUCTURED_REPORT, ResultUids.reportUid(r.analysisId()));
        for (Map.Entry<Kind, AttributeList> e : stored) {
            Kind kind = e.getKey();
            AttributeList object = e.getValue();
            assertEquals(ResultUids.seriesUid(r.analysisId(), kind),
                    Attribute.getSingleStringValueOrEmptyString(object, TagFromName.SeriesInstanceUID), kind.name());
            assertEquals(kind.seriesNumber(),
                    Attribute.getSingleIntegerValueOrDefault(object, TagFromName.SeriesNumber, -1), kind.name());
            assertEquals(uids.get(kind),
                    Attribute.getSingleStringValueOrEmptyString(object, TagFromName.SOPInstanceUID), kind.name());
        }
        List<Kind> order = stored.stream().map(Map.Entry::getKey).toList();
        assertEquals(Kind.STRUCTURED_REPORT, order.get(order.size() - 1), "what the report references comes first");
        assertEquals(Kind.values().length,
                Arrays.stream(Kind.values()).mapToInt(Kind::seriesNumber).distinct().count(),
                "each kind has a series number of its own");
    }
}
