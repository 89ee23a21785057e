package io.glassbox.server.dicomweb;

import java.net.URI;

/**
 * Absolute URLs of DICOMweb resources as this request reached the server (Retrieve URL, BulkDataURI,
 * Content-Location). UIDs are digits and dots, so they go into paths unescaped.
 *
 * @param service the service root, e.g. {@code http://host:8080/dicomweb}, without a trailing '/'
 */
record DicomWebUrls(String service) {

    static DicomWebUrls from(URI requestBaseUri) {
        String base = requestBaseUri.toString();
        return new DicomWebUrls((base.endsWith("/") ? base : base + "/") + "dicomweb");
    }

    String study(String studyUid) {
        return service + "/studies/" + studyUid;
    }

    String series(String studyUid, String seriesUid) {
        return study(studyUid) + "/series/" + seriesUid;
    }

    String instance(String studyUid, String seriesUid, String sopInstanceUid) {
        return series(studyUid, seriesUid) + "/instances/" + sopInstanceUid;
    }
}
