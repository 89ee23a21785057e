package io.glassbox.server.dicomweb;

import io.glassbox.server.audit.Audited;
import io.glassbox.server.index.QueryLevel;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;

/**
 * The DICOMweb read side under {@code /dicomweb}: QIDO-RS searches and WADO-RS retrievals (PS3.18 10.6, 10.4).
 * Thin: each endpoint names its level and scope and hands over to {@link QidoService} or {@link WadoService}.
 */
@Path("/dicomweb")
public class DicomWebResource {

    private static final String DICOM_JSON = DicomJsonValues.MEDIA_TYPE;

    private final QidoService qido;
    private final WadoService wado;

    @Context
    UriInfo uriInfo;

    @Context
    HttpHeaders headers;

    public DicomWebResource(QidoService qido, WadoService wado) {
        this.qido = qido;
        this.wado = wado;
    }

    // ---- QIDO-RS ----

    @Audited(Audited.As.QUERY)
    @GET
    @Path("studies")
    @Produces({DICOM_JSON, MediaType.APPLICATION_JSON})
    public Response searchStudies() {
        return search(QueryLevel.STUDY, null, null);
    }

    @Audited(Audited.As.QUERY)
    @GET
    @Path("series")
    @Produces({DICOM_JSON, MediaType.APPLICATION_JSON})
    public Response searchSeries() {
        return search(QueryLevel.SERIES, null, null);
    }

    @Audited(Audited.As.QUERY)
    @GET
    @Path("studies/{study}/series")
    @Produces({DICOM_JSON, MediaType.APPLICATION_JSON})
    public Response searchSeriesOfStudy(@PathParam("study") String study) {
        return search(QueryLevel.SERIES, study, null);
    }

    @Audited(Audited.As.QUERY)
    @GET
    @Path("instances")
    @Produces({DICOM_JSON, MediaType.APPLICATION_JSON})
    public Response searchInstances() {
        return search(QueryLevel.INSTANCE, null, null);
    }

    @Audited(Audited.As.QUERY)
    @GET
    @Path("studies/{study}/instances")
    @Produces({DICOM_JSON, MediaType.APPLICATION_JSON})
    public Response searchInstancesOfStudy(@PathParam("study") String study) {
        return search(QueryLevel.INSTANCE, study, null);
    }

    @Audited(Audited.As.QUERY)
    @GET
    @Path("studies/{study}/series/{series}/instances")
    @Produces({DICOM_JSON, MediaType.APPLICATION_JSON})
    public Response searchInstancesOfSeries(@PathParam("study") String study, @PathParam("series") String series) {
        return search(QueryLevel.INSTANCE, study, series);
    }

    private Response search(QueryLevel level, String study, String series) {
        QidoService.Answer answer = qido.search(level, study, series, uriInfo.getQueryParameters(true), urls());
        Response.ResponseBuilder response = Response.ok(answer.json());
        if (answer.fuzzyRequested()) {
            // RFC 7234 5.5: warn-code, warn-agent (this server), quoted warn-text.
            response.header("Warning", "299 " + uriInfo.getBaseUri().getAuthority() + " \""
                    + QidoService.FUZZY_WARNING_TEXT + "\"");
        }
        return response.build();
    }

    // ---- WADO-RS: instances ----

    @Audited(Audited.As.RETRIEVE)
    @GET
    @Path("studies/{study}")
    public Response retrieveStudy(@PathParam("study") String study) {
        return wado.retrieve(study, null, null, accepted(), urls());
    }

    @Audited(Audited.As.RETRIEVE)
    @GET
    @Path("studies/{study}/series/{series}")
    public Response retrieveSeries(@PathParam("study") String study, @PathParam("series") String series) {
        return wado.retrieve(study, series, null, accepted(), urls());
    }

    @Audited(Audited.As.RETRIEVE)
    @GET
    @Path("studies/{study}/series/{series}/instances/{instance}")
    public Response retrieveInstance(@PathParam("study") String study, @PathParam("series") String series,
            @PathParam("instance") String instance) {
        return wado.retrieve(study, series, instance, accepted(), urls());
    }

    // ---- WADO-RS: metadata ----

    @Audited(Audited.As.RETRIEVE)
    @GET
    @Path("studies/{study}/metadata")
    @Produces({DICOM_JSON, MediaType.APPLICATION_JSON})
    public Response studyMetadata(@PathParam("study") String study) {
        return Response.ok(wado.metadata(study, null, null, urls())).build();
    }

    @Audited(Audited.As.RETRIEVE)
    @GET
    @Path("studies/{study}/series/{series}/metadata")
    @Produces({DICOM_JSON, MediaType.APPLICATION_JSON})
    public Response seriesMetadata(@PathParam("study") String study, @PathParam("series") String series) {
        return Response.ok(wado.metadata(study, series, null, urls())).build();
    }

    @Audited(Audited.As.RETRIEVE)
    @GET
    @Path("studies/{study}/series/{series}/instances/{instance}/metadata")
    @Produces({DICOM_JSON, MediaType.APPLICATION_JSON})
    public Response instanceMetadata(@PathParam("study") String study, @PathParam("series") String series,
            @PathParam("instance") String instance) {
        return Response.ok(wado.metadata(study, series, instance, urls())).build();
    }

    // ---- WADO-RS: bulk data, frames, rendered ----

    @Audited(Audited.As.RETRIEVE)
    @GET
    @Path("studies/{study}/series/{series}/instances/{instance}/bulkdata/{path: .+}")
    public Response bulkData(@PathParam("study") String study, @PathParam("series") String series,
            @PathParam("instance") String instance, @PathParam("path") String path) {
        return wado.bulkData(study, series, instance, path, accepted(), urls());
    }

    @Audited(Audited.As.RETRIEVE)
    @GET
    @Path("studies/{study}/series/{series}/instances/{instance}/frames/{frames}")
    public Response frames(@PathParam("study") String study, @PathParam("series") String series,
            @PathParam("instance") String instance, @PathParam("frames") String frames) {
        return wado.frames(study, series, instance, frames, accepted(), urls());
    }

    @Audited(Audited.As.RETRIEVE)
    @GET
    @Path("studies/{study}/series/{series}/instances/{instance}/rendered")
    public Response renderedInstance(@PathParam("study") String study, @PathParam("series") String series,
            @PathParam("instance") String instance, @QueryParam("window") String window,
            @QueryParam("quality") String quality) {
        return wado.rendered(study, series, instance, null, window, quality, accepted());
    }

    @Audited(Audited.As.RETRIEVE)
    @GET
    @Path("studies/{study}/series/{series}/instances/{instance}/frames/{frames}/rendered")
    public Response renderedFrame(@PathParam("study") String study, @PathParam("series") String series,
            @PathParam("instance") String instance, @PathParam("frames") String frames,
            @QueryParam("window") String window, @QueryParam("quality") String quality) {
        return wado.rendered(study, series, instance, frames, window, quality, accepted());
    }

    private List<MediaType> accepted() {
        return headers.getAcceptableMediaTypes();
    }

    private DicomWebUrls urls() {
        return DicomWebUrls.from(uriInfo.getBaseUri());
    }
}
