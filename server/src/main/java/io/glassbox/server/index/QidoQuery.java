package io.glassbox.server.index;

import java.util.List;
import java.util.Map;

/**
 * One QIDO-RS search, as the web layer parsed it.
 *
 * @param level           what is searched for
 * @param studyUid        the study the search is scoped to by its path, or null
 * @param seriesUid       the series the search is scoped to by its path, or null
 * @param matchKeys       matching keys, each with its value as given once per occurrence of the parameter
 * @param returned        the attributes each result carries (not including the stored metadata)
 * @param includeMetadata whether instance results also carry their whole stored DICOM JSON (includefield=all)
 * @param limit           the most results to return, or null for all
 * @param offset          how many results to skip first
 */
public record QidoQuery(
        QueryLevel level,
        String studyUid,
        String seriesUid,
        Map<QidoAttribute, List<String>> matchKeys,
        List<QidoAttribute> returned,
        boolean includeMetadata,
        Integer limit,
        int offset) {
}
