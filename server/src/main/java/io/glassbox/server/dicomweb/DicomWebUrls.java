package io.glassbox.server.dicomweb;

import java.net.URI;

/**
 * Absolute URLs of DICOMweb resources as this request reached the server (Retrieve URL, BulkDataURI,
 * Content-Location): the one source of every absolute URL the server writes. The request's base URI follows the
 * {@code Forwarded} / {@code X-Forwarded-*} headers of a trusted reverse proxy (scheme, host, port and path
 * prefix; config/HttpEdgeConfigFactory), so the URLs point through the proxy. UIDs are digits and dots, so they
 * go into paths unescaped.
 *
 * @param service the service root, e.g. {@code http://host:8080/dicomweb}, without a trailing '/'
 */
public record DicomWebUrls(String service) {

    public static DicomWebUrls from(URI requestBaseUri) {
        String base = requestBaseUri.toString();
        return new DicomWebUrls((base.endsWith("/") ? base : base + "/") + "dicomweb");
    }

    public String study(String studyUid) {
        return service + "/studies/" + studyUid;
    }

    public String series(String studyUid, String seriesUid) {
        return study(studyUid) + "/series/" + seriesUid;
    }

    public String instance(String studyUid, String seriesUid, String sopInstanceUid) {
        return series(studyUid, seriesUid) + "/instances/" + sopInstanceUid;
    }
}
