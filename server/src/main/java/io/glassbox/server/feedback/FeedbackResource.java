package io.glassbox.server.feedback;

import com.fasterxml.jackson.databind.JsonNode;
import io.glassbox.server.dispatch.Job;
import io.glassbox.server.dispatch.JobQueue;
import io.glassbox.server.security.CurrentUser;
import io.glassbox.server.web.ProblemException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code POST /api/studies/{study}/feedback}: a user's verdict (agree, disagree, uncertain) on one finding of one
 * analysis, with an optional comment; {@code GET} the study's latest verdict per user and finding. The finding
 * must exist in the job's recorded result: the verdict is then stored with the model (plugin and version) that
 * made the finding.
 */
@Path("/api/studies/{study}/feedback")
@Produces(MediaType.APPLICATION_JSON)
public class FeedbackResource {
    static final int MAX_COMMENT = 2000;
    private static final Pattern UID = Pattern.compile("[0-9]+(\\.[0-9]+)*");
    /** Control characters other than tab, line feed and carriage return (a comment may have several lines). */
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}&&[^\\t\\n\\r]]");
    private static final int MAX_CLASS_ID = 64;

    private final FeedbackStore store;
    private final JobQueue jobs;
    private final CurrentUser user;

    public FeedbackResource(FeedbackStore store, JobQueue jobs, CurrentUser user) {
        this.store = store;
        this.jobs = jobs;
        this.user = user;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response give(@PathParam("study") String study, FeedbackRequest request) throws SQLException {
        checkForm(request);
        Job job = jobs.get(request.jobId()).filter(j -> j.studyInstanceUid().equals(study))
                .orElseThrow(() -> ProblemException.notFound("no analysis (job) " + request.jobId() + " of study "
                        + study));
        if (!hasFinding(job.result(), request)) {
            throw ProblemException.notFound("analysis " + job.id() + " has no finding of class '" + request.classId()
                    + "' on frame " + request.frame() + " of instance " + request.sopInstanceUid());
        }
        String comment = request.comment() == null || request.comment().isBlank() ? null : request.comment();
        FeedbackRecord stored = store.add(new FeedbackStore.Verdict(study, job.id(), request.sopInstanceUid(),
                request.frame(), request.classId(), request.verdict(), comment, user.name(), job.pluginId(),
                job.pluginVersion()));
        return Response.status(Response.Status.CREATED).entity(stored).build();
    }

    @GET
    public List<FeedbackRecord> latest(@PathParam("study") String study) {
        return store.latest(study);
    }

    /** Everything a client can get wrong in the body, answered 400 before anything is looked up. */
    private static void checkForm(FeedbackRequest r) {
        if (r == null || r.jobId() == null || r.sopInstanceUid() == null || r.frame() == null || r.classId() == null
                || r.verdict() == null) {
            throw ProblemException.badRequest("expected {\"jobId\", \"sopInstanceUid\", \"frame\", \"classId\","
                    + " \"verdict\": agree|disagree|uncertain, \"comment\" (optional)}");
        }
        if (!FeedbackStore.VERDICTS.contains(r.verdict())) {
            throw ProblemException.badRequest("verdict must be one of " + FeedbackStore.VERDICTS);
        }
        if (r.sopInstanceUid().length() > 64 || !UID.matcher(r.sopInstanceUid()).matches()) {
            throw ProblemException.badRequest("sopInstanceUid must be a UID (digits and dots, at most 64)");
        }
        if (r.frame() < 1) {
            throw ProblemException.badRequest("frame must be 1 or more");
        }
        if (r.classId().isEmpty() || r.classId().length() > MAX_CLASS_ID || CONTROL.matcher(r.classId()).find()) {
            throw ProblemException.badRequest("classId must be 1 to " + MAX_CLASS_ID
                    + " characters without control characters");
        }
        if (r.comment() != null && (r.comment().length() > MAX_COMMENT || CONTROL.matcher(r.comment()).find())) {
            throw ProblemException.badRequest("comment must be at most " + MAX_COMMENT
                    + " characters, without control characters other than tab and line breaks");
        }
    }

    /** Whether the job's recorded result has this class's finding on this frame of this instance. */
    private static boolean hasFinding(JsonNode result, FeedbackRequest r) {
        if (result == null) {
            return false;
        }
        for (JsonNode image : result.path("images")) {
            if (image.path("sopInstanceUid").asText().equals(r.sopInstanceUid())
                    && image.path("frame").asInt() == r.frame()) {
                for (JsonNode finding : image.path("results")) {
                    if (finding.path("classId").asText().equals(r.classId())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
