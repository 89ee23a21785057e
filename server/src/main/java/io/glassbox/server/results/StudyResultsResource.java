package io.glassbox.server.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glassbox.server.audit.Audited;
import io.glassbox.server.dispatch.Job;
import io.glassbox.server.dispatch.JobQueue;
import io.glassbox.server.index.StoredInstances;
import io.glassbox.server.web.ProblemException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.util.List;

/**
 * {@code GET /api/studies/{study}/results}: every analysis of the study, newest first, as its job recorded it:
 * state and progress while it is pending or running, the reason when it failed, and once it succeeded the
 * findings per image (score, threshold, present or not, model, method, layer, timings) with links over WADO-RS to
 * its Secondary Capture and its rendering, to the Parametric Map it is a frame of, with that frame's number and
 * raw heatmap (WADO-RS Retrieve Frames of the map's Float Pixel Data: 32-bit floats, little endian, row by row),
 * and to the analysis's Structured Report. Each analysis also lists its Parametric Maps (one per analysed series
 * and class) with the source instance and frame of every frame, in frame order, so that a viewer maps frames to
 * slices without parsing the map, and its one Structured Report.
 */
@Path("/api/studies/{study}/results")
@Produces(MediaType.APPLICATION_JSON)
public class StudyResultsResource {

    /** More analyses than anyone reviews for one study; the newest are shown. */
    private static final int MAX_ANALYSES = 200;

    private final JobQueue queue;
    private final StoredInstances instances;

    public StudyResultsResource(JobQueue queue, StoredInstances instances) {
        this.queue = queue;
        this.instances = instances;
    }

    @Audited(Audited.As.REVIEW)
    @GET
    public JsonNode results(@PathParam("study") String study) throws SQLException {
        List<Job> jobs = queue.list(null, study, null, MAX_ANALYSES);
        if (jobs.isEmpty() && instances.find(study, null, null).isEmpty()) {
            throw ProblemException.notFound("no study " + study);
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("studyInstanceUid", study);
        ArrayNode analyses = body.putArray("analyses");
        for (Job job : jobs) {
            analyses.add(analysis(study, job));
        }
        return body;
    }

    private static ObjectNode analysis(String study, Job job) {
        ObjectNode a = JsonNodeFactory.instance.objectNode();
        a.put("jobId", job.id()).put("state", job.state()).put("rule", job.ruleName())
                .put("seriesInstanceUid", job.seriesInstanceUid().isEmpty() ? null : job.seriesInstanceUid())
                .put("inputs", job.inputCount()).put("attempts", job.attempts())
                .put("createdAt", String.valueOf(job.createdAt()))
                .put("finishedAt", job.finishedAt() == null ? null : job.finishedAt().toString())
                .put("job", "/api/jobs/" + job.id());
        a.putObject("progress").put("done", job.progress().done()).put("total", job.progress().total())
                .put("message", job.progress().message());
        if (job.lastError() != null) {
            a.put("lastError", job.lastError());
        }
        JsonNode result = job.result();
        boolean analysis = result != null && "analysis".equals(result.path("kind").asText());
        if (!analysis) {
            a.putObject("plugin").put("id", job.pluginId()).put("version", job.pluginVersion());
            return a;
        }
        a.set("plugin", result.get("plugin"));
        a.put("method", result.path("method").asText()).put("methodName", result.path("methodName").asText())
                .put("targetLayer", result.path("targetLayer").asText());
        a.put("imagesAnalysed", result.path("imagesAnalysed").asInt())
                .put("imagesWithFindings", result.path("imagesWithFindings").asInt());
        a.set("timingsMillis", result.get("timingsMillis"));
        a.set("notAnalysed", result.get("notAnalysed"));
        a.set("resultSeries", result.get("resultSeries"));
        ArrayNode maps = a.putArray("parametricMaps");
        for (JsonNode m : result.path("parametricMaps")) {
            ObjectNode map = maps.addObject().put("classId", m.path("classId").asText())
                    .put("label", m.path("label").asText());
            reference(map, study, m.path("seriesInstanceUid").asText(), m.path("sopInstanceUid").asText());
            map.put("numberOfFrames", m.path("numberOfFrames").asInt());
            map.set("frames", m.path("frames"));
        }
        JsonNode report = result.path("structuredReport");
        if (report.isObject()) {
            reference(a.putObject("structuredReport"), study, report.path("seriesInstanceUid").asText(),
                    report.path("sopInstanceUid").asText());
        }
        ArrayNode findings = a.putArray("findings");
        JsonNode series = result.path("resultSeries");
        for (JsonNode image : result.path("images")) {
            for (JsonNode r : image.path("results")) {
                ObjectNode f = findings.addObject();
                f.put("sopInstanceUid", image.path("sopInstanceUid").asText())
                        .put("seriesInstanceUid", image.path("seriesInstanceUid").asText())
                        .put("frame", image.path("frame").asInt());
                String classId = r.path("classId").asText();
                f.put("classId", classId).put("label", r.path("label").asText())
                        .put("score", r.path("score").asDouble()).put("threshold", r.path("threshold").asDouble())
                        .put("present", r.path("present").asBoolean());
                if (r.path("keptFromEarlierAttempt").asBoolean()) {
                    f.put("keptFromEarlierAttempt", true);
                }
                f.put("source", wado(study, image.path("seriesInstanceUid").asText(),
                        image.path("sopInstanceUid").asText()));
                JsonNode classSeries = series.path(classId);
                ObjectNode sc = object(f, "secondaryCapture", study, classSeries.path("secondaryCapture").asText(),
                        r.path("secondaryCapture").asText());
                sc.put("rendered", sc.path("url").asText() + "/rendered");
                ObjectNode pm = object(f, "parametricMap", study, classSeries.path("parametricMap").asText(),
                        r.path("parametricMap").asText());
                // Records written before maps had several frames have no frame number: their map has one.
                int frame = r.path("parametricMapFrame").asInt(1);
                pm.put("frame", frame).put("heatmap", pm.path("url").asText() + "/frames/" + frame);
                object(f, "structuredReport", study, classSeries.path("structuredReport").asText(),
                        r.path("structuredReport").asText());
            }
        }
        return a;
    }

    private static ObjectNode object(ObjectNode finding, String name, String study, String series, String instance) {
        return reference(finding.putObject(name), study, series, instance);
    }

    private static ObjectNode reference(ObjectNode o, String study, String series, String instance) {
        return o.put("seriesInstanceUid", series).put("sopInstanceUid", instance)
                .put("url", wado(study, series, instance));
    }

    private static String wado(String study, String series, String instance) {
        return "/dicomweb/studies/" + study + "/series/" + series + "/instances/" + instance;
    }
}
