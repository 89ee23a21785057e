package io.glassbox.server.index;

import io.glassbox.server.index.QidoAttribute.ValueType;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Runs QIDO-RS searches against the index: one SQL statement per search, whatever it returns (counts and
 * Modalities in Study are subqueries of that statement, never further round trips).
 */
@ApplicationScoped
public class QidoSearch {

    private final DataSource dataSource;

    public QidoSearch(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** @throws InvalidQueryException when a matching key cannot be used as given */
    public QidoResult search(QidoQuery query) {
        List<Object> params = new ArrayList<>();
        String sql = sql(query, params);
        List<QidoAttribute> attributes = query.returned();
        List<QidoResult.Row> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(c, ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Object[] values = new Object[attributes.size()];
                    int column = 5;
                    for (int k = 0; k < attributes.size(); k++) {
                        QidoAttribute a = attributes.get(k);
                        switch (a.valueType()) {
                            case RETRIEVE_URL -> values[k] = null;
                            case INTEGER -> {
                                long v = rs.getLong(column++);
                                values[k] = rs.wasNull() ? null : v;
                            }
                            default -> values[k] = rs.getString(column++);
                        }
                    }
                    rows.add(new QidoResult.Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            values));
                }
            }
        } catch (SQLException e) {
            throw new IndexUnavailableException("QIDO search failed: " + e.getMessage(), e);
        }
        return new QidoResult(attributes, rows);
    }

    /** The statement for {@code query}; its parameters are appended to {@code params} in order. */
    static String sql(QidoQuery query, List<Object> params) {
        QueryLevel level = query.level();
        StringBuilder sql = new StringBuilder("SELECT st.study_instance_uid");
        sql.append(level == QueryLevel.STUDY ? ", NULL" : ", se.series_instance_uid");
        sql.append(level == QueryLevel.INSTANCE ? ", i.sop_instance_uid" : ", NULL");
        sql.append(level == QueryLevel.INSTANCE && query.includeMetadata() ? ", i.metadata" : ", NULL");
        for (QidoAttribute a : query.returned()) {
            if (a.valueType() == ValueType.RETRIEVE_URL) {
                continue;
            }
            sql.append(", ").append(valueSql(a, level));
        }
        sql.append(switch (level) {
            case STUDY -> " FROM study st";
            case SERIES -> " FROM series se JOIN study st ON st.pk = se.study_fk";
            case INSTANCE -> " FROM instance i JOIN series se ON se.pk = i.series_fk JOIN study st ON st.pk = se.study_fk";
        });

        List<String> conditions = new ArrayList<>();
        if (query.studyUid() != null) {
            conditions.add("st.study_instance_uid = ?");
            params.add(query.studyUid());
        }
        if (query.seriesUid() != null) {
            conditions.add("se.series_instance_uid = ?");
            params.add(query.seriesUid());
        }
        for (Map.Entry<QidoAttribute, List<String>> key : query.matchKeys().entrySet()) {
            String condition = QidoMatching.condition(key.getKey(), key.getValue(), level, params);
            if (condition != null) {
                conditions.add(condition);
            }
        }
        if (!conditions.isEmpty()) {
            sql.append(" WHERE ").append(String.join(" AND ", conditions));
        }
        // A total order, so that limit/offset pages neither repeat nor skip results: newest studies first,
        // series and instances in their numbered order. Levels fixed by the path add nothing to sort by.
        List<String> order = new ArrayList<>();
        if (query.studyUid() == null) {
            order.add("st.study_date DESC, st.study_time DESC, st.pk DESC");
        }
        if (level != QueryLevel.STUDY && query.seriesUid() == null) {
            order.add("se.series_number NULLS LAST, se.pk");
        }
        if (level == QueryLevel.INSTANCE) {
            order.add("i.instance_number NULLS LAST, i.pk");
        }
        if (!order.isEmpty()) {
            sql.append(" ORDER BY ").append(String.join(", ", order));
        }
        if (query.limit() != null) {
            sql.append(" LIMIT ?");
            params.add((long) query.limit());
        }
        if (query.offset() > 0) {
            sql.append(" OFFSET ?");
            params.add((long) query.offset());
        }
        return sql.toString();
    }

    private static String valueSql(QidoAttribute a, QueryLevel level) {
        if (a.valueType() != ValueType.JSON_ELEMENT) {
            return a.valueSql();
        }
        String element = "metadata->'" + a.tagHex() + "'";
        return switch (level) {
            case INSTANCE -> "i." + element;
            case SERIES -> "(SELECT ri." + element + " FROM instance ri WHERE ri.series_fk = se.pk ORDER BY ri.pk LIMIT 1)";
            case STUDY -> "(SELECT ri." + element + " FROM series rs JOIN instance ri ON ri.series_fk = rs.pk"
                    + " WHERE rs.study_fk = st.pk ORDER BY ri.pk LIMIT 1)";
        };
    }

    static void bind(Connection c, PreparedStatement ps, List<Object> params) throws SQLException {
        for (int k = 0; k < params.size(); k++) {
            Object p = params.get(k);
            if (p instanceof String s) {
                ps.setString(k + 1, s);
            } else if (p instanceof Long l) {
                ps.setLong(k + 1, l);
            } else if (p instanceof BigDecimal d) {
                ps.setBigDecimal(k + 1, d);
            } else if (p instanceof String[] list) {
                ps.setArray(k + 1, c.createArrayOf("text", list));
            } else {
                throw new IllegalArgumentException("unexpected parameter type " + p.getClass());
            }
        }
    }
}
