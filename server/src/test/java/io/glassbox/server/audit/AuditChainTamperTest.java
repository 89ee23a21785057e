package io.glassbox.server.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The chain against its owner: records changed with SQL as the table's owner, the append-only trigger disabled,
 * are named by verification (endpoint and command) as altered, inserted, removed or a truncated tail. Each test
 * works on a copy of the chain it restores afterwards, so the trail the other tests see is the real one.
 */
@QuarkusTest
class AuditChainTamperTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RECORDS = 12;

    @Inject
    AuditWriter writer;

    @Inject
    AgroalDataSource dataSource;

    private long first;
    private String snapshot;
    /**
     * Holds the chain's writer lock from the copy to the restore, so that a record some other part of the server
     * writes meanwhile waits and is chained onto the restored chain rather than onto the tampered one.
     */
    private Connection writerLock;

    @BeforeEach
    void chainOfKnownRecords() throws Exception {
        for (int i = 0; i < RECORDS; i++) {
            assertTrue(writer.record(AuditEvents.query(AuditEvents.requestor("auditor-" + i, "127.0.0.1", null),
                    "GLASSBOX", "/dicomweb/studies?PatientID=P" + i, null, AuditCodes.SUCCESS, null)));
        }
        assertTrue(writer.flush(Duration.ofSeconds(60)), "the writer commits within a minute");
        first = queryLong("SELECT max(seq) FROM audit_record") - RECORDS + 1;
        snapshot = "audit_snapshot_" + ProcessHandle.current().pid() + "_" + System.nanoTime();
        writerLock = dataSource.getConnection();
        try (Statement s = writerLock.createStatement()) {
            s.execute("SELECT pg_advisory_lock(" + AuditWriter.CHAIN_LOCK + ")");
        }
        sql("CREATE TABLE " + snapshot + " AS SELECT * FROM audit_record");
        verified().then().statusCode(200).body("valid", equalTo(true));
    }

    @AfterEach
    void restore() throws Exception {
        tampered("DELETE FROM audit_record", "INSERT INTO audit_record SELECT * FROM " + snapshot);
        sql("DROP TABLE " + snapshot);
        releaseWriterLock();
        verified().then().statusCode(200).body("valid", equalTo(true));
        // head files set aside at start (the test database is emptied before every run, the data directory is not)
        try (var kept = Files.newDirectoryStream(writer.headFile().getParent(), ChainHead.FILE_NAME + ".unmatched-*")) {
            for (Path p : kept) {
                Files.delete(p);
            }
        }
    }

    @Test
    void theTableRefusesUpdateDeleteAndTruncate() {
        for (String statement : List.of("UPDATE audit_record SET outcome = 4 WHERE seq = " + first,
                "DELETE FROM audit_record WHERE seq = " + first, "TRUNCATE audit_record")) {
            SQLException e = assertThrows(SQLException.class, () -> sql(statement), statement);
            assertTrue(e.getMessage().contains("append-only"), e.getMessage());
        }
    }

    @Test
    void aRecordEditedInPlaceIsNamedAltered() throws Exception {
        long k = first + 4;
        tampered("UPDATE audit_record SET canonical = replace(canonical, 'auditor-4', 'mallory') WHERE seq = " + k);
        problem("altered", k);
    }

    @Test
    void aRecordRewrittenWithAFreshHashIsNamedAlteredByTheNextLink() throws Exception {
        long k = first + 5;
        Map<String, String> row = row(k);
        ObjectNode record = (ObjectNode) JSON.readTree(row.get("canonical"));
        ((ObjectNode) record.path("event")).put("outcome", 4);
        Forged forged = Forged.after(row.get("prev_hash"), record);
        tampered("UPDATE audit_record SET outcome = 4, canonical = " + forged.canonicalLiteral() + ", hash = '"
                + forged.hash() + "' WHERE seq = " + k);
        problem("altered", k);
    }

    @Test
    void aDeletedRecordIsNamedRemoved() throws Exception {
        long k = first + 3;
        tampered("DELETE FROM audit_record WHERE seq = " + k);
        problem("removed", k);
    }

    @Test
    void aRecordInsertedWithTheRestRenumberedIsNamedInserted() throws Exception {
        long k = first + 6;
        Map<String, String> before = row(k - 1);
        ObjectNode record = (ObjectNode) JSON.readTree(before.get("canonical"));
        record.put("seq", k);
        Forged forged = Forged.after(before.get("hash"), record);
        tampered("UPDATE audit_record SET seq = -seq WHERE seq >= " + k,
                "UPDATE audit_record SET seq = -seq + 1 WHERE seq < 0",
                "INSERT INTO audit_record SELECT " + k + ", event_time, recorded_at, event_id, event_type, action, "
                        + "outcome, users, patient_ids, study_uids, participants, objects, " + forged.canonicalLiteral()
                        + ", hash, '" + forged.hash() + "' FROM audit_record WHERE seq = "
                        + (k - 1));
        problem("inserted", k);
    }

    @Test
    void aTruncatedTailIsDetectedAgainstTheHeadFile() throws Exception {
        long keep = first + 7;
        tampered("DELETE FROM audit_record WHERE seq > " + keep);
        problem("truncated", keep + 1);
        assertEquals(1, AuditVerifyCommand.run(commandEnvironment()), "the command fails as well");
    }

    @Test
    void theCommandPassesAnIntactChain() throws Exception {
        assertEquals(0, AuditVerifyCommand.run(commandEnvironment()));
    }

    @Test
    void concurrentWritersKeepOneValidChain() throws Exception {
        releaseWriterLock();
        long before = queryLong("SELECT count(*) FROM audit_record");
        int threads = 8;
        int each = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Boolean>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    boolean all = true;
                    for (int i = 0; i < each; i++) {
                        all &= writer.record(AuditEvents.query(AuditEvents.requestor("writer-" + thread + "-" + i,
                                "127.0.0.1", null), "GLASSBOX", "/dicomweb/studies", null, AuditCodes.SUCCESS, null));
                    }
                    return all;
                }));
            }
            for (Future<Boolean> f : done) {
                assertTrue(f.get(60, TimeUnit.SECONDS), "every event accepted");
            }
        } finally {
            pool.shutdown();
        }
        assertTrue(writer.flush(Duration.ofSeconds(60)));
        assertEquals(before + threads * each, queryLong("SELECT count(*) FROM audit_record"));
        assertEquals(threads * each, queryLong("SELECT count(DISTINCT users[1]) FROM audit_record "
                + "WHERE users[1] LIKE 'writer-%'"));
        verified().then().statusCode(200).body("valid", equalTo(true))
                .body("lastSeq", equalTo((int) queryLong("SELECT max(seq) FROM audit_record")));
        // the copy taken before the test must not undo these records at restore
        sql("INSERT INTO " + snapshot + " SELECT * FROM audit_record WHERE seq > (SELECT max(seq) FROM " + snapshot
                + ")");
    }

    private void releaseWriterLock() throws SQLException {
        if (writerLock != null) {
            try (Statement s = writerLock.createStatement()) {
                s.execute("SELECT pg_advisory_unlock(" + AuditWriter.CHAIN_LOCK + ")");
            } finally {
                writerLock.close();
                writerLock = null;
            }
        }
    }

    /** A record as a forger who knows the chain's rule would write it: canonical form and matching hash. */
    private record Forged(String canonical, String hash) {
        static Forged after(String prevHash, ObjectNode record) {
            String canonical = CanonicalForm.text(record);
            return new Forged(canonical, CanonicalForm.chainHash(prevHash, canonical));
        }

        String canonicalLiteral() {
            return "'" + canonical.replace("'", "''") + "'";
        }
    }

    private void problem(String kind, long seq) {
        var body = verified().then().statusCode(200).extract().jsonPath();
        assertFalse(body.getBoolean("valid"), "verification must fail: " + body.prettify());
        assertEquals(kind, body.getString("problem.kind"), body.prettify());
        assertEquals(seq, body.getLong("problem.seq"), body.prettify());
    }

    private static io.restassured.response.Response verified() {
        return given().get("/api/audit/verify");
    }

    private Map<String, String> commandEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("GLASSBOX_DB_URL", System.getenv().getOrDefault("GLASSBOX_TEST_DB_URL",
                "jdbc:postgresql://127.0.0.1:5432/glassbox_test"));
        env.put("GLASSBOX_DATA_DIR", writer.headFile().getParent().getParent().toString());
        return env;
    }

    /** Runs statements as the owner with the append-only triggers disabled, in one transaction. */
    private void tampered(String... statements) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("ALTER TABLE audit_record DISABLE TRIGGER USER");
                for (String statement : statements) {
                    s.execute(statement);
                }
                s.execute("ALTER TABLE audit_record ENABLE TRIGGER USER");
            }
            c.commit();
        }
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private long queryLong(String query) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Map<String, String> row(long seq) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT canonical, prev_hash, hash FROM audit_record "
                     + "WHERE seq = ?")) {
            ps.setLong(1, seq);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "record " + seq);
                return Map.of("canonical", rs.getString(1), "prev_hash", rs.getString(2), "hash", rs.getString(3));
            }
        }
    }
}
