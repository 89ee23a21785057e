package io.glassbox.server.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Diagnostic executor for plugin id {@value #PLUGIN_ID} (any version): re-reads every input file from the store,
 * computes its SHA-256 and records, per input, whether it still matches the digest taken at ingest. It is not an
 * AI: it exists so the trigger, routing, queue and workers can be exercised and observed end to end (and store
 * integrity checked on demand) without a model. Parameter {@code delayMillisPerInput} (default 0) slows it down so
 * a test can kill a server while a job runs.
 */
@ApplicationScoped
public class ChecksumExecutor implements JobExecutor {

    public static final String PLUGIN_ID = "glassbox-checksum";

    @Override
    public boolean handles(String pluginId, String pluginVersion) {
        return PLUGIN_ID.equals(pluginId);
    }

    @Override
    public JsonNode execute(ClaimedJob job, Progress progress) throws Exception {
        long delay = job.parameters().path("delayMillisPerInput").asLong(0);
        ObjectNode result = JobQueue.JSON.createObjectNode();
        ArrayNode files = result.putArray("inputs");
        int mismatches = 0;
        int done = 0;
        for (JobInput input : job.inputs()) {
            if (input.file() == null) {
                throw new PermanentFailure("input " + input.sopInstanceUid() + " is no longer in the index");
            }
            String actual = sha256(input);
            boolean matches = actual.equals(input.sha256());
            mismatches += matches ? 0 : 1;
            files.addObject().put("sopInstanceUid", input.sopInstanceUid()).put("sha256", actual)
                    .put("matchesIngestDigest", matches);
            if (delay > 0) {
                Thread.sleep(delay);
            }
            if (!progress.report(++done, job.inputs().size(), "checked " + input.sopInstanceUid())) {
                throw new IllegalStateException("lease lost after " + done + " inputs");
            }
        }
        result.put("checked", done).put("mismatches", mismatches);
        return result;
    }

    private static String sha256(JobInput input) throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(input.file())) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
