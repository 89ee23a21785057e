package io.glassbox.server.dicomweb;

import io.glassbox.server.audit.Audited;
import io.glassbox.server.audit.AuditedRequest;
import io.glassbox.server.dicom.net.service.DimseStatus;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glassbox.server.ingest.IncomingObject;
import io.glassbox.server.ingest.IngestOutcome;
import io.glassbox.server.ingest.IngestService;
import io.glassbox.server.web.ProblemException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * STOW-RS (PS3.18 10.5): {@code multipart/related; type="application/dicom"}, each part a Part 10 file, each
 * stored through {@link IngestService} exactly as a C-STORE would be.
 *
 * <p>Answer: 200 when every instance is stored, 202 when some are and some failed, 409 when none is (503 instead
 * when every failure was the server's: disk or database), with the PS3.18 Store Instances Response Module in
 * DICOM JSON: ReferencedSOPSequence for the stored ones, FailedSOPSequence with the DIMSE FailureReason for the
 * rest. A body that is not multipart/related of application/dicom is 415; a malformed or empty one, 400.
 */
@Path("/dicomweb")
public class StowResource {

    public static final String DICOM_JSON = "application/dicom+json";
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final IngestService ingest;
    private final AuditedRequest audited;

    public StowResource(IngestService ingest, AuditedRequest audited) {
        this.ingest = ingest;
        this.audited = audited;
    }

    @Audited(Audited.As.STORE)
    @POST
    @Path("studies")
    @Consumes(MediaType.WILDCARD)
    @Produces({DICOM_JSON, MediaType.APPLICATION_JSON})
    public Response storeInstances(@HeaderParam("Content-Type") String contentType, InputStream body,
            @Context UriInfo uri) throws IOException {
        return store(contentType, body, null, uri);
    }

    @Audited(Audited.As.STORE)
    @POST
    @Path("studies/{study}")
    @Consumes(MediaType.WILDCARD)
    @Produces({DICOM_JSON, MediaType.APPLICATION_JSON})
    public Response storeStudyInstances(@PathParam("study") String study,
            @HeaderParam("Content-Type") String contentType, InputStream body, @Context UriInfo uri)
            throws IOException {
        return store(contentType, body, study, uri);
    }

    private Response store(String contentType, InputStream body, String requiredStudy, UriInfo uri)
            throws IOException {
        String boundary = boundaryOf(contentType);
        DicomWebUrls urls = DicomWebUrls.from(uri.getBaseUri());
        MultipartRelatedReader reader = new MultipartRelatedReader(body, boundary);

        List<IngestOutcome> outcomes = new ArrayList<>();
        MultipartRelatedReader.Part part;
        try {
            while ((part = reader.next()) != null) {
                String partType = part.contentType();
                if (!partType.isEmpty() && !isApplicationDicom(partType)) {
                    outcomes.add(IngestOutcome.invalid(DimseStatus.CANNOT_UNDERSTAND,
                            "part of type " + partType + " is not application/dicom", IngestOutcome.Identity.UNKNOWN));
                    continue;
                }
                outcomes.add(ingest.ingest(new IncomingObject(IncomingObject.Via.STOW, "", null, null, null,
                        part.body()), requiredStudy));
            }
        } catch (IncomingObject.MalformedContentException e) {
            if (outcomes.stream().noneMatch(IngestOutcome::success)) {
                throw ProblemException.badRequest("malformed multipart body: " + e.getMessage());
            }
            outcomes.add(IngestOutcome.invalid(DimseStatus.CANNOT_UNDERSTAND,
                    "malformed multipart body: " + e.getMessage(), IngestOutcome.Identity.UNKNOWN));
        }
        if (outcomes.isEmpty()) {
            throw ProblemException.badRequest("the multipart body contains no part");
        }

        ObjectNode response = F.objectNode();
        ArrayNode referenced = F.arrayNode();
        ArrayNode failed = F.arrayNode();
        boolean anyClientFailure = false;
        for (IngestOutcome o : outcomes) {
            ObjectNode item = F.objectNode();
            if (o.sopClassUid() != null) {
                item.set("00081150", DicomJsonValues.of("UI", o.sopClassUid()));
            }
            if (o.sopInstanceUid() != null) {
                item.set("00081155", DicomJsonValues.of("UI", o.sopInstanceUid()));
            }
            if (o.success()) {
                audited.instance(o.studyInstanceUid(), o.sopClassUid(), o.sopInstanceUid());
                item.set("00081190", DicomJsonValues.of("UR", urls.instance(o.studyInstanceUid(),
                        o.seriesInstanceUid(), o.sopInstanceUid())));
                referenced.add(item);
            } else {
                audited.refused(o.errorComment());
                item.set("00081197", DicomJsonValues.of("US", o.dimseStatus()));
                if (o.errorComment() != null) {
                    // FailureReason is only a code; the Error Comment says in words what was wrong, as a C-STORE
                    // response would (the same convention as other archives' STOW-RS responses).
                    item.set("00000902", DicomJsonValues.of("LO", o.errorComment()));
                }
                failed.add(item);
                anyClientFailure |= o.result() != IngestOutcome.Result.FAILED;
            }
        }
        // The response's Retrieve URL names the study when the request stored into exactly one.
        List<String> storedStudies = outcomes.stream().filter(IngestOutcome::success)
                .map(IngestOutcome::studyInstanceUid).distinct().toList();
        String study = requiredStudy != null ? requiredStudy : storedStudies.size() == 1 ? storedStudies.get(0) : null;
        if (study != null) {
            response.set("00081190", DicomJsonValues.of("UR", urls.study(study)));
        }
        if (!failed.isEmpty()) {
            response.set("00081198", DicomJsonValues.sequence(failed));
        }
        if (!referenced.isEmpty()) {
            response.set("00081199", DicomJsonValues.sequence(referenced));
        }
        int status = failed.isEmpty() ? 200 : !referenced.isEmpty() ? 202 : anyClientFailure ? 409 : 503;
        return Response.status(status).type(DICOM_JSON).entity(response).build();
    }

    private static String boundaryOf(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            throw ProblemException.unsupportedMediaType(
                    "STOW-RS needs Content-Type multipart/related; type=\"application/dicom\"");
        }
        MediaType mt;
        try {
            mt = MediaType.valueOf(contentType);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("unparseable Content-Type: " + contentType);
        }
        if (!"multipart".equalsIgnoreCase(mt.getType()) || !"related".equalsIgnoreCase(mt.getSubtype())) {
            throw ProblemException.unsupportedMediaType("STOW-RS accepts multipart/related; type=\"application/dicom\""
                    + ", not " + mt.getType() + "/" + mt.getSubtype());
        }
        String type = mt.getParameters().get("type");
        if (type != null && !isApplicationDicom(type)) {
            throw ProblemException.unsupportedMediaType("this server stores type=\"application/dicom\" parts only,"
                    + " not " + type);
        }
        String boundary = mt.getParameters().get("boundary");
        if (boundary == null || boundary.isEmpty()) {
            throw ProblemException.badRequest("the multipart/related Content-Type has no boundary parameter");
        }
        return boundary;
    }

    private static boolean isApplicationDicom(String type) {
        return type.trim().replace("\"", "").toLowerCase().startsWith("application/dicom")
                && !type.toLowerCase().contains("+json") && !type.toLowerCase().contains("+xml");
    }
}
