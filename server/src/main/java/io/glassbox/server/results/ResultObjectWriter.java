package io.glassbox.server.results;

import com.pixelmed.dicom.AttributeList;
import io.glassbox.server.results.ResultUids.Kind;
import java.util.Map;

/**
 * Writes the result object of one {@link Kind}. {@link ResultWriter} runs the registered writers in storage
 * order, so a writer may reference the objects written before it (the report references the map and the capture).
 * Pure, like {@link ResultWriter}: no I/O, no clock.
 */
interface ResultObjectWriter {

    Kind kind();

    /**
     * @param writtenBefore the objects of this result that the writers registered before this one wrote
     * @throws IllegalArgumentException when the source cannot be drawn (no pixel data, undecodable)
     */
    AttributeList write(AnalysisResult r, OverlayStyle style, Map<Kind, AttributeList> writtenBefore);
}
