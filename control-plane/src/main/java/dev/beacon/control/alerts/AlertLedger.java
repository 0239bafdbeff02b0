package dev.beacon.control.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.control.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The notifier's memory in PostgreSQL: which alert (thread) each fact id of a call belongs to on a route, what the
 * call's last alert showed, and the {@code alert_delivery} audit that deduplicates on (route, fact id, revision).
 * Safe to call from several replicas: inserts race with {@code ON CONFLICT DO NOTHING} and read back.
 */
public final class AlertLedger {

    /** A delivery row's state. */
    public record Delivery(String status, int attempts) {
        public boolean finished() {
            return !"pending".equals(status);
        }
    }

    /**
     * The call's alert on a route.
     *
     * @param sentLines what its last delivered alert showed; null while nothing was delivered (the next is "new")
     */
    public record Thread(UUID threadId, Map<String, String> sentLines, String rootMessageId, String rootSubject) {}

    private static final TypeReference<LinkedHashMap<String, String>> LINES = new TypeReference<>() { };

    private final Sql sql;
    private final ObjectMapper json;

    public AlertLedger(Sql sql, ObjectMapper json) {
        this.sql = sql;
        this.json = json;
    }

    public Optional<Delivery> delivery(String routeId, String factId, int revision) {
        return sql.queryOne("SELECT status, attempts FROM alert_delivery WHERE route_id = ? AND fact_id = ? "
                        + "AND revision = ?", rs -> new Delivery(rs.getString(1), rs.getInt(2)),
                routeId, factId, revision);
    }

    /** True when a later revision of the fact was already handled on the route (this one is a late replay). */
    public boolean laterRevisionHandled(String routeId, String factId, int revision) {
        return sql.queryOne("SELECT 1 FROM alert_delivery WHERE route_id = ? AND fact_id = ? AND revision > ? "
                + "LIMIT 1", rs -> 1, routeId, factId, revision).isPresent();
    }

    /** True when a supersede named this id provisional on the route. */
    public boolean superseded(String routeId, String factId) {
        return sql.queryOne("SELECT 1 FROM alert_thread_fact WHERE route_id = ? AND fact_id = ? "
                + "AND superseded_by IS NOT NULL", rs -> 1, routeId, factId).isPresent();
    }

    /**
     * The call's thread: the fact id's own, else that of an id it supersedes (the live id then joins it), else a
     * new one.
     */
    public Thread threadFor(String routeId, String factId, List<String> supersedes) {
        Optional<UUID> id = threadId(routeId, factId);
        if (id.isEmpty()) {
            for (String previous : supersedes) {
                id = threadId(routeId, previous);
                if (id.isPresent()) {
                    break;
                }
            }
            UUID thread = id.orElseGet(UUID::randomUUID);
            if (id.isEmpty()) {
                sql.update("INSERT INTO alert_thread (thread_id, route_id) VALUES (?, ?)", thread, routeId);
            }
            sql.update("INSERT INTO alert_thread_fact (route_id, fact_id, thread_id) VALUES (?, ?, ?) "
                    + "ON CONFLICT DO NOTHING", routeId, factId, thread);
            id = threadId(routeId, factId); // whoever inserted first wins
        }
        for (String previous : supersedes) {
            markSuperseded(routeId, previous, factId, id.orElseThrow());
        }
        return thread(id.orElseThrow());
    }

    /** A supersede record: the provisional id joins the live id's thread (or the live id the provisional's). */
    public void supersede(String routeId, String provisionalId, String liveId) {
        Optional<UUID> provisional = threadId(routeId, provisionalId);
        Optional<UUID> live = threadId(routeId, liveId);
        if (provisional.isPresent() && live.isEmpty()) {
            sql.update("INSERT INTO alert_thread_fact (route_id, fact_id, thread_id) VALUES (?, ?, ?) "
                    + "ON CONFLICT DO NOTHING", routeId, liveId, provisional.get());
        }
        live.or(() -> provisional).ifPresent(t -> markSuperseded(routeId, provisionalId, liveId, t));
    }

    private void markSuperseded(String routeId, String provisionalId, String liveId, UUID thread) {
        sql.update("INSERT INTO alert_thread_fact (route_id, fact_id, thread_id, superseded_by) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (route_id, fact_id) DO UPDATE SET superseded_by = EXCLUDED.superseded_by",
                routeId, provisionalId, thread, liveId);
    }

    private Optional<UUID> threadId(String routeId, String factId) {
        return sql.queryOne("SELECT thread_id FROM alert_thread_fact WHERE route_id = ? AND fact_id = ?",
                rs -> rs.getObject(1, UUID.class), routeId, factId);
    }

    private Thread thread(UUID id) {
        return sql.queryOne("SELECT sent_fact::text, root_message_id, root_subject FROM alert_thread "
                + "WHERE thread_id = ?", rs -> new Thread(id, lines(rs.getString(1)), rs.getString(2),
                rs.getString(3)), id).orElseThrow();
    }

    /** A failed attempt; returns the attempts so far. {@code dead}: given up. */
    public int failed(String routeId, AlertFact f, UUID thread, boolean update, String error, Instant now,
                      boolean dead) {
        return sql.queryOne("INSERT INTO alert_delivery (route_id, fact_id, revision, thread_id, kind, status, "
                        + "attempts, last_error, detected_at, first_attempt_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?) "
                        + "ON CONFLICT (route_id, fact_id, revision) DO UPDATE SET attempts = "
                        + "alert_delivery.attempts + 1, status = EXCLUDED.status, last_error = EXCLUDED.last_error "
                        + "RETURNING attempts", rs -> rs.getInt(1),
                routeId, f.factId(), f.revision(), thread, update ? "update" : "new", dead ? "dead" : "pending",
                error, f.detectedAt(), now).orElseThrow();
    }

    /** Marks an attempt row dead (after {@link #failed} counted the attempt that exhausted the budget). */
    public void dead(String routeId, AlertFact f) {
        sql.update("UPDATE alert_delivery SET status = 'dead' WHERE route_id = ? AND fact_id = ? AND revision = ?",
                routeId, f.factId(), f.revision());
    }

    /** A revision with nothing an alert shows changed: recorded, not sent. */
    public void unchanged(String routeId, AlertFact f, UUID thread, Instant now) {
        sql.update("INSERT INTO alert_delivery (route_id, fact_id, revision, thread_id, kind, status, attempts, "
                + "detected_at, first_attempt_at) VALUES (?, ?, ?, ?, 'update', 'unchanged', 0, ?, ?) "
                + "ON CONFLICT (route_id, fact_id, revision) DO UPDATE SET status = 'unchanged'",
                routeId, f.factId(), f.revision(), thread, f.detectedAt(), now);
    }

    /**
     * The delivery and what the thread now shows, in one transaction (the next update diffs against it).
     *
     * @param messageId   the e-mail Message-ID when this was the first alert of the thread, else null
     * @param subject     the first alert's subject (e-mail threading), else null
     */
    public void delivered(String routeId, Alert a, Instant now, Long latencyMs, String messageId, String subject) {
        String lines;
        try {
            lines = json.writeValueAsString(a.lines());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("alert lines are not JSON", e);
        }
        try (Connection c = sql.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                exec(c, "INSERT INTO alert_delivery (route_id, fact_id, revision, thread_id, kind, status, attempts, "
                                + "detected_at, first_attempt_at, delivered_at, latency_ms) "
                                + "VALUES (?, ?, ?, ?, ?, 'delivered', 1, ?, ?, ?, ?) "
                                + "ON CONFLICT (route_id, fact_id, revision) DO UPDATE SET status = 'delivered', "
                                + "attempts = alert_delivery.attempts + 1, delivered_at = EXCLUDED.delivered_at, "
                                + "latency_ms = EXCLUDED.latency_ms",
                        routeId, a.fact().factId(), a.fact().revision(), a.alertId(), a.update() ? "update" : "new",
                        a.detectedAt(), now, now, latencyMs);
                exec(c, "UPDATE alert_thread SET sent_fact = ?::jsonb, root_message_id = coalesce(root_message_id, ?), "
                        + "root_subject = coalesce(root_subject, ?) WHERE thread_id = ?", lines, messageId, subject,
                        a.alertId());
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new Sql.StoreException("INSERT INTO alert_delivery (delivered)", e);
        }
    }

    private static void exec(Connection c, String statement, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(statement)) {
            Sql.bind(ps, params);
            ps.executeUpdate();
        }
    }

    private Map<String, String> lines(String sent) {
        if (sent == null) {
            return null;
        }
        try {
            return json.readValue(sent, LINES);
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }
}
