package dev.beacon.control.backfill;

import dev.beacon.control.store.Sql;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code backfill_cursor} (migration V5) and the backfill's side of {@code delivery_gap}: which gaps still await a
 * backfill, and marking them done. The cursor moves only in {@link #succeeded}, after everything was published.
 */
public final class BackfillCursorStore {

    private static final String COLUMNS = "integration_id, listed_through, last_run_at, last_success_at, "
            + "last_outcome, messages_published, messages_skipped, consecutive_failures, next_attempt_at, "
            + "requested_at, gaps_considered_through";

    private final Sql sql;

    public BackfillCursorStore(Sql sql) {
        this.sql = sql;
    }

    public BackfillCursor get(String integrationId) {
        return sql.queryOne("SELECT " + COLUMNS + " FROM backfill_cursor WHERE integration_id = ?",
                BackfillCursorStore::cursor, integrationId).orElseGet(() -> BackfillCursor.none(integrationId));
    }

    /** Every integration's cursor row (status). */
    public List<BackfillCursor> all() {
        return sql.query("SELECT " + COLUMNS + " FROM backfill_cursor ORDER BY integration_id",
                BackfillCursorStore::cursor);
    }

    /** Gaps with {@code backfilled_at IS NULL}, oldest first. */
    public List<PendingGap> pendingGaps(String integrationId) {
        return sql.query("SELECT gap_id, gap_from, gap_to, reason FROM delivery_gap WHERE integration_id = ? "
                        + "AND backfilled_at IS NULL ORDER BY gap_from, gap_id",
                rs -> new PendingGap(rs.getLong(1), Sql.instant(rs, "gap_from"), Sql.instant(rs, "gap_to"),
                        rs.getString(4)), integrationId);
    }

    /** Gaps awaiting backfill per integration (status). */
    public java.util.Map<String, Long> pendingGapCounts() {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        sql.query("SELECT integration_id, count(*) FROM delivery_gap WHERE backfilled_at IS NULL "
                + "GROUP BY integration_id", rs -> out.put(rs.getString(1), rs.getLong(2)));
        return out;
    }

    /** Ops asked for a run: the integration's leader starts one at its next round. */
    public void request(String integrationId, Instant at) {
        sql.update("INSERT INTO backfill_cursor (integration_id, requested_at) VALUES (?, ?) "
                + "ON CONFLICT (integration_id) DO UPDATE SET requested_at = EXCLUDED.requested_at", integrationId, at);
    }

    /**
     * A run published everything modified in its window: moves the cursor to {@code listedThrough}, clears the
     * failure state and any request made before the run started, and marks {@code coveredGaps} backfilled.
     */
    public void succeeded(String integrationId, Instant startedAt, Instant listedThrough, Instant finishedAt,
                          long published, long skipped, long gapsConsideredThrough, List<Long> coveredGaps) {
        sql.update("INSERT INTO backfill_cursor (" + COLUMNS + ") VALUES (?, ?, ?, ?, 'ok', ?, ?, 0, NULL, NULL, ?) "
                        + "ON CONFLICT (integration_id) DO UPDATE SET listed_through = EXCLUDED.listed_through, "
                        + "last_run_at = EXCLUDED.last_run_at, last_success_at = EXCLUDED.last_success_at, "
                        + "last_outcome = 'ok', messages_published = EXCLUDED.messages_published, "
                        + "messages_skipped = EXCLUDED.messages_skipped, consecutive_failures = 0, "
                        + "next_attempt_at = NULL, gaps_considered_through = GREATEST("
                        + "backfill_cursor.gaps_considered_through, EXCLUDED.gaps_considered_through), "
                        + "requested_at = CASE WHEN backfill_cursor.requested_at > ? "
                        + "THEN backfill_cursor.requested_at END",
                integrationId, listedThrough, finishedAt, finishedAt, published, skipped, gapsConsideredThrough,
                startedAt);
        for (Long gapId : coveredGaps) {
            sql.update("UPDATE delivery_gap SET backfilled_at = ? WHERE gap_id = ? AND backfilled_at IS NULL",
                    finishedAt, gapId);
        }
    }

    /** A run failed: cursor and gaps stay; the next attempt waits until {@code nextAttemptAt}. */
    public void failed(String integrationId, Instant startedAt, Instant at, String outcome, Instant nextAttemptAt) {
        sql.update("INSERT INTO backfill_cursor (integration_id, last_run_at, last_outcome, consecutive_failures, "
                        + "next_attempt_at) VALUES (?, ?, ?, 1, ?) ON CONFLICT (integration_id) DO UPDATE SET "
                        + "last_run_at = EXCLUDED.last_run_at, last_outcome = EXCLUDED.last_outcome, "
                        + "consecutive_failures = backfill_cursor.consecutive_failures + 1, "
                        + "next_attempt_at = EXCLUDED.next_attempt_at, "
                        + "requested_at = CASE WHEN backfill_cursor.requested_at > ? "
                        + "THEN backfill_cursor.requested_at END",
                integrationId, at, outcome, nextAttemptAt, startedAt);
    }

    /**
     * A run was cut short by its time budget: what it found is published, but cursor and gaps stay (the window is
     * not fully listed); the failure state is cleared (the run made progress) and a pending request stays.
     */
    public void cutShort(String integrationId, Instant at) {
        sql.update("INSERT INTO backfill_cursor (integration_id, last_run_at, last_outcome) VALUES (?, ?, 'cut-short') "
                + "ON CONFLICT (integration_id) DO UPDATE SET last_run_at = EXCLUDED.last_run_at, "
                + "last_outcome = 'cut-short', consecutive_failures = 0, next_attempt_at = NULL", integrationId, at);
    }

    public Optional<Instant> listedThrough(String integrationId) {
        return Optional.ofNullable(get(integrationId).listedThrough());
    }

    private static BackfillCursor cursor(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new BackfillCursor(rs.getString("integration_id"), Sql.instant(rs, "listed_through"),
                Sql.instant(rs, "last_run_at"), Sql.instant(rs, "last_success_at"), rs.getString("last_outcome"),
                rs.getLong("messages_published"), rs.getLong("messages_skipped"), rs.getInt("consecutive_failures"),
                Sql.instant(rs, "next_attempt_at"), Sql.instant(rs, "requested_at"),
                rs.getLong("gaps_considered_through"));
    }
}
