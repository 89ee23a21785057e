package io.glassbox.server.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** Routes the server's database connections through a {@link TcpProxy} that tests can cut. */
public class CuttableDatabaseResource implements QuarkusTestResourceLifecycleManager {
    public static volatile TcpProxy proxy;

    @Override
    public Map<String, String> start() {
        String url = System.getenv().getOrDefault("GLASSBOX_TEST_DB_URL",
                "jdbc:postgresql://127.0.0.1:5432/glassbox_test");
        // jdbc:postgresql://host:port/db -> same database through the proxy
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("jdbc:postgresql://[^:/]+:(\\d+)/(.*)").matcher(url);
        if (!m.matches()) {
            throw new IllegalStateException("cannot proxy " + url);
        }
        try {
            proxy = new TcpProxy(Integer.parseInt(m.group(1)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("quarkus.datasource.jdbc.url",
                "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + m.group(2) + "?connectTimeout=3&socketTimeout=10",
                // short waits, so a test of the outage does not hang on the pool
                "quarkus.datasource.jdbc.acquisition-timeout", "3S");
    }

    @Override
    public void stop() {
        try {
            if (proxy != null) {
                proxy.close();
            }
        } catch (IOException ignored) {
            // test over
        }
    }
}
