package io.glassbox.server.dicomweb;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.glassbox.server.db.EmbeddedPostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * Every QIDO-RS matching case of {@link QidoRsCases} again, on the embedded PostgreSQL 17 that a first run of the
 * server uses (not the machine's PostgreSQL 15): the matching SQL must mean the same on both.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
public class QidoRsOnEmbeddedPostgresTest extends QidoRsCases {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void runsOnTheEmbeddedCluster() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet data = s.executeQuery("SHOW data_directory")) {
            assertTrue(data.next());
            assertTrue(data.getString(1).contains(EmbeddedPostgresTestResource.HOME_PREFIX), data.getString(1));
        }
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet version = s.executeQuery("SELECT version()")) {
            assertTrue(version.next());
            assertTrue(version.getString(1).startsWith("PostgreSQL 17."), version.getString(1));
        }
    }
}
