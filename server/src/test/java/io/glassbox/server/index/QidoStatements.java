package io.glassbox.server.index;

import java.util.List;

/** Test access to the statement a QIDO query becomes (package-private in {@link QidoSearch}). */
public final class QidoStatements {

    private QidoStatements() {
    }

    public static String sql(QidoQuery query, List<Object> params) {
        return QidoSearch.sql(query, params);
    }
}
