package dev.beacon.control.console;

import dev.beacon.control.store.Sql;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The console's reads that {@code /api/status} does not already answer: the job's tables in the same PostgreSQL
 * ({@code dead_letter}, {@code emergency_call}) and the delivery gaps with their backfill marks. Only counts and
 * fact fields leave here: a dead letter's {@code raw} and {@code detail} are never read.
 */
public final class ConsoleQueries {

    /** Dead letters of one reason: in the 24 hours before {@code now}, and in all. */
    public record DeadLetterCount(String reason, long last24h, long total, Instant lastAt) {}

    /** A delivery gap: {@code to} null while open, {@code backfilledAt} null until the backfill covered it. */
    public record Gap(long gapId, String integrationId, String resource, String reason, Instant from, Instant to,
                      Instant backfilledAt) {}

    /**
     * One emergency-call fact as the console shows it: who, what number, where, when, whether a test, and which
     * feeds told us. {@code location} is the site's name when the job matched one, else the free-text location.
     */
    public record Fact(String factId, String kind, String callerName, String dialedNumber, String location,
                       String siteId, Instant startedAt, Instant endedAt, boolean testCall, List<String> sources,
                       int revision, Instant updatedAt) {}

    static final int FACT_LIMIT = 20;
    static final int GAP_LIMIT = 20;

    private final Sql sql;

    public ConsoleQueries(Sql sql) {
        this.sql = Objects.requireNonNull(sql);
    }

    /** Every reason with a dead letter, most frequent first. */
    public List<DeadLetterCount> deadLettersByReason(Instant now) {
        return sql.query("SELECT reason, count(*) FILTER (WHERE failed_at > ?) AS last_24h, count(*) AS total, "
                        + "max(failed_at) AS last_at FROM dead_letter GROUP BY reason ORDER BY total DESC, reason",
                rs -> new DeadLetterCount(rs.getString("reason"), rs.getLong("last_24h"), rs.getLong("total"),
                        Sql.instant(rs, "last_at")),
                now.minusSeconds(24 * 3600));
    }

    /** The most recent gaps, open or closed, newest first. */
    public List<Gap> recentGaps() {
        return sql.query("SELECT gap_id, integration_id, resource, reason, gap_from, gap_to, backfilled_at "
                        + "FROM delivery_gap ORDER BY gap_id DESC LIMIT " + GAP_LIMIT,
                rs -> new Gap(rs.getLong("gap_id"), rs.getString("integration_id"), rs.getString("resource"),
                        rs.getString("reason"), Sql.instant(rs, "gap_from"), Sql.instant(rs, "gap_to"),
                        Sql.instant(rs, "backfilled_at")));
    }

    /** The facts that changed most recently (a new call, or a new revision of one), newest first. */
    public List<Fact> latestFacts() {
        return sql.query("SELECT fact_id::text AS fact_id, kind, caller_display_name, dialed_number, "
                        + "coalesce(location->>'site_name', location_text) AS location, site_id, call_started_at, "
                        + "ended_at, is_test_call, sources, revision, updated_at FROM emergency_call "
                        + "ORDER BY updated_at DESC, fact_id LIMIT " + FACT_LIMIT,
                ConsoleQueries::fact);
    }

    private static Fact fact(ResultSet rs) throws SQLException {
        return new Fact(rs.getString("fact_id"), rs.getString("kind"), rs.getString("caller_display_name"),
                rs.getString("dialed_number"), rs.getString("location"), rs.getString("site_id"),
                Sql.instant(rs, "call_started_at"), Sql.instant(rs, "ended_at"), rs.getBoolean("is_test_call"),
                strings(rs.getArray("sources")), rs.getInt("revision"), Sql.instant(rs, "updated_at"));
    }

    private static List<String> strings(Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        return Arrays.stream((Object[]) array.getArray()).map(String::valueOf).toList();
    }
}
