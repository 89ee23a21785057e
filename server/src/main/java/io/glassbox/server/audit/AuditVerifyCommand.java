package io.glassbox.server.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;

/**
 * The verification command, for an auditor or a cron job with the server stopped or running:
 * {@code deploy/audit-verify.sh} runs it over the server's class path. Reads the same settings as the server
 * ({@code GLASSBOX_DB_URL}, {@code GLASSBOX_DB_USER}, {@code GLASSBOX_DB_PASSWORD}, {@code GLASSBOX_DATA_DIR}),
 * prints the result as JSON and exits 0 when the chain is intact, 1 when it names a problem, 2 when it could not
 * verify at all.
 */
public final class AuditVerifyCommand {

    private AuditVerifyCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(System.getenv()));
    }

    /** Runs the verification with the given environment; returns the exit status. */
    public static int run(Map<String, String> env) {
        String url = env.getOrDefault("GLASSBOX_DB_URL", "jdbc:postgresql://127.0.0.1:5432/glassbox");
        Path dataDir = Path.of(env.getOrDefault("GLASSBOX_DATA_DIR", "./data"));
        try (Connection db = DriverManager.getConnection(url, env.getOrDefault("GLASSBOX_DB_USER", "postgres"),
                env.getOrDefault("GLASSBOX_DB_PASSWORD", ""))) {
            ChainVerifier.Result result = ChainVerifier.verify(db, ChainHead.read(ChainHead.file(dataDir)));
            System.out.println(new ObjectMapper().findAndRegisterModules()
                    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).writerWithDefaultPrettyPrinter()
                    .writeValueAsString(result));
            return result.valid() ? 0 : 1;
        } catch (Exception e) {
            System.err.println("audit verification failed to run: " + e);
            return 2;
        }
    }
}
