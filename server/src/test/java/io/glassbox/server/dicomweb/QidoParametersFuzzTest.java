package io.glassbox.server.dicomweb;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.glassbox.server.index.InvalidQueryException;
import io.glassbox.server.index.QidoStatements;
import io.glassbox.server.index.QueryLevel;
import io.glassbox.server.web.ProblemException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes what turns QIDO-RS query parameters into a database statement: {@code QidoService.parse} (names,
 * includefield, limit, offset, fuzzymatching) and the matching rules that build the SQL. The input's first byte
 * picks the level, the rest is a query string ({@code name=value&...}, already decoded as the web layer hands it
 * over). Rule: a bad query is refused with a 4xx {@link ProblemException} or an {@link InvalidQueryException} (a
 * 400), nothing else escapes, and the statement has exactly one placeholder per bound parameter, so no value ever
 * reaches the SQL text. Regression inputs:
 * {@code src/test/resources/io/glassbox/server/dicomweb/QidoParametersFuzzTestInputs/}.
 */
public class QidoParametersFuzzTest {

    @FuzzTest
    void queryParameters(byte[] data) {
        fuzzerTestOneInput(data);
    }

    /** The property, also the entry point of the standalone driver in server/fuzz.sh. */
    public static void fuzzerTestOneInput(byte[] data) {
        if (data.length == 0) {
            return;
        }
        QueryLevel level = QueryLevel.values()[(data[0] & 0xFF) % QueryLevel.values().length];
        String query = new String(data, 1, data.length - 1, StandardCharsets.UTF_8);
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            parameters.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        QidoService.Parsed parsed;
        try {
            parsed = QidoService.parse(level, null, null, parameters);
        } catch (ProblemException refused) {
            int status = refused.problem().status();
            if (status < 400 || status >= 500) {
                throw new AssertionError("refused with status " + status + ": " + refused.getMessage(), refused);
            }
            return;
        }
        List<Object> params = new ArrayList<>();
        String sql;
        try {
            sql = QidoStatements.sql(parsed.query(), params);
        } catch (InvalidQueryException refused) {
            return;
        }
        long placeholders = sql.chars().filter(c -> c == '?').count();
        if (placeholders != params.size()) {
            throw new AssertionError(placeholders + " placeholders for " + params.size() + " parameters: " + sql);
        }
    }
}
