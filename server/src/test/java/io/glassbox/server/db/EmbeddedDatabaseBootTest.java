package io.glassbox.server.db;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The application boots on the embedded PostgreSQL (the first-run default) and Flyway migrates it. */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class EmbeddedDatabaseBootTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void readinessIsUpWithTheDatabaseCheck() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", is("UP"))
                .body("checks.find { it.name == 'Database connections health check' }.status", is("UP"));
    }

    @Test
    void runsOnTheEmbeddedClusterNotTheMachinesServer() throws SQLException {
        Path dataDirectory = Path.of(queryText("SHOW data_directory"));
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        assertTrue(dataDirectory.startsWith(tmp)
                        && dataDirectory.getParent().getFileName().toString().startsWith(EmbeddedPostgresTestResource.HOME_PREFIX),
                "data_directory " + dataDirectory + " is not a cluster of EmbeddedPostgresTestResource");
        assertTrue(queryText("SELECT version()").startsWith("PostgreSQL 17."), "the embedded binaries are 17.x");
        assertEquals(EmbeddedDatabase.DATABASE_NAME, queryText("SELECT current_database()"));
    }

    @Test
    void flywayCreatedTheIndexSchema() throws SQLException {
        for (String table : new String[] {"patient", "study", "series", "instance"}) {
            assertEquals("true", queryText("SELECT (to_regclass('public." + table + "') IS NOT NULL)::text"),
                    "table " + table + " exists");
        }
        assertEquals("1", queryText("SELECT count(*) FROM flyway_schema_history WHERE version = '1' AND success"),
                "V1__index applied");
    }

    private String queryText(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            assertTrue(row.next(), "one row from " + sql);
            return row.getString(1);
        }
    }
}
