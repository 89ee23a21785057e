package io.glassbox.server.index;

import java.util.List;

/**
 * The rows a search found.
 *
 * @param attributes the returned attributes; each row's {@code values} are in this order
 * @param rows       the matches, in the search's deterministic order
 */
public record QidoResult(List<QidoAttribute> attributes, List<Row> rows) {

    /**
     * One match.
     *
     * @param studyUid       its study
     * @param seriesUid      its series (null for a study result)
     * @param sopInstanceUid the instance (null above the instance level)
     * @param metadata       the instance's stored DICOM JSON when the query asked for it, else null
     * @param values         one value per attribute: String for TEXT and JSON_ELEMENT (null when absent), Long for
     *                       INTEGER (null when absent), null for RETRIEVE_URL
     */
    public record Row(String studyUid, String seriesUid, String sopInstanceUid, String metadata, Object[] values) {
    }
}
