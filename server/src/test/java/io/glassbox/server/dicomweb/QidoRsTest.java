package io.glassbox.server.dicomweb;

import io.quarkus.test.junit.QuarkusTest;

/** The QIDO-RS matching cases of {@link QidoRsCases} on the machine's PostgreSQL (GLASSBOX_TEST_DB_URL). */
@QuarkusTest
public class QidoRsTest extends QidoRsCases {
}
