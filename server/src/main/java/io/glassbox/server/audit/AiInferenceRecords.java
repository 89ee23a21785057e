package io.glassbox.server.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import io.glassbox.server.config.GlassboxConfig;
import io.glassbox.server.dispatch.ClaimedJob;
import io.glassbox.server.dispatch.JobInput;
import io.glassbox.server.dispatch.JobSucceeded;
import io.glassbox.server.plugins.InstalledPlugin;
import io.glassbox.server.plugins.PluginRegistry;
import io.glassbox.server.plugins.PluginsConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The AI inference record: one per analysis, written into the audit chain when the analysis's job succeeds, so an
 * auditor can reconstruct what the model saw (input instances and the SHA-256 of each stored file), how the
 * pixels were prepared (the plugin's declared input size, windowing and normalisation), what it said (scores,
 * thresholds, findings per image), how it explained it (method and target layer) and what it wrote (output
 * instances and their SHA-256), with the plugin's id, version and weight digest, the device and the timings.
 *
 * <p>The executor's own record of the job is taken whole ({@code analysis}); the digests of the outputs come from
 * the index, one query for every instance UID the record names.
 */
@ApplicationScoped
public class AiInferenceRecords {
    private static final Logger LOG = Logger.getLogger(AiInferenceRecords.class);
    private static final Pattern UID = Pattern.compile("[0-9]+(\\.[0-9]+)+");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AuditWriter writer;
    private final AgroalDataSource dataSource;
    private final PluginRegistry plugins;
    private final String device;
    private final String aeTitle;

    public AiInferenceRecords(AuditWriter writer, AgroalDataSource dataSource, PluginRegistry plugins,
                              PluginsConfig pluginsConfig, GlassboxConfig config) {
        this.writer = writer;
        this.dataSource = dataSource;
        this.plugins = plugins;
        this.device = pluginsConfig.device();
        this.aeTitle = config.dicom().aeTitle();
    }

    void analysisFinished(@Observes JobSucceeded succeeded) {
        if (!"analysis".equals(succeeded.result().path("kind").asText())) {
            return; // diagnostic executors (checksums) run no model
        }
        ClaimedJob job = succeeded.job();
        try {
            ObjectNode record = record(job, succeeded.result());
            if (!writer.record(AuditEvents.aiInference(aeTitle, job.studyInstanceUid(), "job-" + job.id(), record,
                    Instant.now()))) {
                LOG.errorf("AI inference record of job %d refused by the audit writer", job.id());
            }
        } catch (SQLException | RuntimeException e) {
            LOG.errorf(e, "AI inference record of job %d could not be built", job.id());
        }
    }

    ObjectNode record(ClaimedJob job, JsonNode analysis) throws SQLException {
        ObjectNode r = JSON.createObjectNode();
        r.put("jobId", job.id()).put("attempt", job.attempt()).put("rule", job.ruleName())
                .put("studyInstanceUid", job.studyInstanceUid()).put("seriesInstanceUid", job.seriesInstanceUid())
                .put("device", device).put("inputDigest", job.inputDigest());
        ObjectNode plugin = r.putObject("plugin");
        plugin.put("id", job.pluginId()).put("version", job.pluginVersion())
                .put("weightDigest", analysis.path("plugin").path("modelDigest").asText(null));
        r.put("method", analysis.path("method").asText(null)).put("targetLayer",
                analysis.path("targetLayer").asText(null));
        plugins.find(job.pluginId(), job.pluginVersion()).map(InstalledPlugin::manifest)
                .ifPresent(m -> r.set("preprocessing", JSON.valueToTree(m.input())));
        r.set("parameters", job.parameters());
        Set<String> inputUids = new HashSet<>();
        ArrayNode inputs = r.putArray("inputs");
        for (JobInput in : job.inputs()) {
            inputs.addObject().put("sopInstanceUid", in.sopInstanceUid()).put("sha256", in.sha256());
            inputUids.add(in.sopInstanceUid());
        }
        ArrayNode outputs = r.putArray("outputs");
        outputDigests(analysis, inputUids).forEach((uid, sha256) ->
                outputs.addObject().put("sopInstanceUid", uid).put("sha256", sha256));
        r.set("analysis", analysis);
        return r;
    }

    /** The stored instances the analysis names other than its inputs (what it wrote), with their SHA-256. */
    private Map<String, String> outputDigests(JsonNode analysis, Set<String> inputs) throws SQLException {
        List<String> candidates = new ArrayList<>();
        collectUids(analysis, candidates);
        candidates.removeIf(inputs::contains);
        Map<String, String> found = new TreeMap<>();
        if (candidates.isEmpty()) {
            return found;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT sop_instance_uid, sha256 FROM instance "
                     + "WHERE sop_instance_uid = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("text", candidates.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return found;
    }

    private static void collectUids(JsonNode node, List<String> out) {
        if (node.isTextual() && UID.matcher(node.asText()).matches()) {
            out.add(node.asText());
        }
        node.forEach(child -> collectUids(child, out));
    }
}
