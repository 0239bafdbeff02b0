package dev.beacon.job.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.beacon.job.audit.AuditRecord;
import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.correlate.EmergencyCallFact;
import dev.beacon.job.ingest.SourceRef;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/**
 * The PostgreSQL sinks: facts into {@code emergency_call}, audit rows into {@code notification_audit}, dead
 * letters into {@code dead_letter} (schema: {@code sql/migrations}).
 *
 * <p>Delivery is at-least-once, so a row may be written twice and, after a restart, an older fact revision may
 * arrive after a newer one. Every statement is therefore an idempotent upsert: facts only move to a higher
 * revision, a superseded id never comes back, and audit rows and dead letters keep the most recent decision for
 * their source position. Together with deterministic ids this keeps one row per call without XA transactions.
 *
 * <p>Rows the schema rejects are not bad input but broken invariants upstream (a fact id that is not a UUID, a
 * fact without tenant or caller, revision 0): after the retries the sink fails the job rather than drop a fact.
 * Text is stored by {@link SafeText}'s text rule, because PostgreSQL cannot hold U+0000 and pgjdbc cannot encode
 * unpaired surrogates, and dead letters legitimately carry both.
 *
 * <p>Keep pgjdbc's {@code reWriteBatchedInserts} off (the default): it would fold a batch into one multi-row
 * INSERT, and PostgreSQL refuses to upsert the same key twice in one statement.
 */
public final class PostgresSinks {

    /**
     * One statement for both kinds of fact record, so that a sink subtask applies them in the order the correlator
     * decided them (the connector binds one statement per sink). Parameters 1-4 are the supersede part, 5-39 the
     * revision part; for each record exactly one part has an effect:
     *
     * <ul>
     *   <li>a supersede ({@code ?4} true) records the alias and removes the alias's row;
     *   <li>a revision ({@code ?38} true) upserts its row unless its id was ever superseded (sticky, so a revision
     *       replayed after a recovery cannot bring a provisional id back) and only to a higher revision.
     * </ul>
     */
    static final String UPSERT_FACT = """
            WITH alias AS (
                INSERT INTO fact_alias (alias_id, fact_id, superseded_at)
                SELECT ?::uuid, ?::uuid, ?::timestamptz WHERE ?::boolean
                ON CONFLICT (alias_id) DO UPDATE SET
                    fact_id       = EXCLUDED.fact_id,
                    superseded_at = EXCLUDED.superseded_at
                RETURNING alias_id
            ), removed AS (
                DELETE FROM emergency_call WHERE fact_id IN (SELECT alias_id FROM alias)
            )
            INSERT INTO emergency_call (
                fact_id, tenant_id, caller_user_id, caller_display_name, dialed_number, is_test_call,
                location_text, call_started_at, call_started_at_inferred, detected_at, updated_at,
                notification_count, deleted_count, revision, sources, message_refs,
                kind, caller_upn, caller_phone_number, caller_department, caller_job_title, caller_office_location,
                policy_name, location, site_id, latitude, longitude, ended_at, duration_seconds,
                called_line, called_line_name, correlation_id, server_call_id)
            SELECT ?::uuid, ?::text, ?::text, ?::text, ?::text, ?::boolean, ?::text, ?::timestamptz, ?::boolean,
                   ?::timestamptz, ?::timestamptz, ?::integer, ?::integer, ?::integer, ?::text[], ?::jsonb,
                   ?::text, ?::text, ?::text, ?::text, ?::text, ?::text,
                   ?::text, ?::jsonb, ?::text, ?::double precision, ?::double precision, ?::timestamptz, ?::bigint,
                   ?::text, ?::text, ?::text, ?::text
            WHERE ?::boolean AND NOT EXISTS (SELECT 1 FROM fact_alias WHERE alias_id = ?::uuid)
            ON CONFLICT (fact_id) DO UPDATE SET
                tenant_id                = EXCLUDED.tenant_id,
                caller_user_id           = EXCLUDED.caller_user_id,
                caller_display_name      = EXCLUDED.caller_display_name,
                dialed_number            = EXCLUDED.dialed_number,
                is_test_call             = EXCLUDED.is_test_call,
                location_text            = EXCLUDED.location_text,
                call_started_at          = EXCLUDED.call_started_at,
                call_started_at_inferred = EXCLUDED.call_started_at_inferred,
                detected_at              = EXCLUDED.detected_at,
                updated_at               = EXCLUDED.updated_at,
                notification_count       = EXCLUDED.notification_count,
                deleted_count            = EXCLUDED.deleted_count,
                revision                 = EXCLUDED.revision,
                sources                  = EXCLUDED.sources,
                message_refs             = EXCLUDED.message_refs,
                kind                     = EXCLUDED.kind,
                caller_upn               = EXCLUDED.caller_upn,
                caller_phone_number      = EXCLUDED.caller_phone_number,
                caller_department        = EXCLUDED.caller_department,
                caller_job_title         = EXCLUDED.caller_job_title,
                caller_office_location   = EXCLUDED.caller_office_location,
                policy_name              = EXCLUDED.policy_name,
                location                 = EXCLUDED.location,
                site_id                  = EXCLUDED.site_id,
                latitude                 = EXCLUDED.latitude,
                longitude                = EXCLUDED.longitude,
                ended_at                 = EXCLUDED.ended_at,
                duration_seconds         = EXCLUDED.duration_seconds,
                called_line              = EXCLUDED.called_line,
                called_line_name         = EXCLUDED.called_line_name,
                correlation_id           = EXCLUDED.correlation_id,
                server_call_id           = EXCLUDED.server_call_id
            WHERE emergency_call.revision < EXCLUDED.revision
            """;

    /** A replayed notification is decided again; the later decision replaces the earlier one. */
    static final String UPSERT_AUDIT = """
            INSERT INTO notification_audit (
                source, source_partition, source_offset, item_index, tenant_id, subscription_id, change_type,
                chat_id, message_id, outcome, reason, fact_id, processed_at, ingest_latency_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (source, source_partition, source_offset, item_index) DO UPDATE SET
                tenant_id         = EXCLUDED.tenant_id,
                subscription_id   = EXCLUDED.subscription_id,
                change_type       = EXCLUDED.change_type,
                chat_id           = EXCLUDED.chat_id,
                message_id        = EXCLUDED.message_id,
                outcome           = EXCLUDED.outcome,
                reason            = EXCLUDED.reason,
                fact_id           = EXCLUDED.fact_id,
                processed_at      = EXCLUDED.processed_at,
                ingest_latency_ms = EXCLUDED.ingest_latency_ms
            WHERE notification_audit.processed_at <= EXCLUDED.processed_at
            """;

    static final String UPSERT_DEAD_LETTER = """
            INSERT INTO dead_letter (
                source, source_partition, source_offset, item_index, reason, detail, raw, raw_truncated, failed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (source, source_partition, source_offset, item_index) DO UPDATE SET
                reason        = EXCLUDED.reason,
                detail        = EXCLUDED.detail,
                raw           = EXCLUDED.raw,
                raw_truncated = EXCLUDED.raw_truncated,
                failed_at     = EXCLUDED.failed_at
            WHERE dead_letter.failed_at <= EXCLUDED.failed_at
            """;

    private PostgresSinks() {}

    /** Batches of 200 rows or 200 ms, whichever comes first; 3 retries (with a reconnect) on SQL errors. */
    public static JdbcExecutionOptions defaultExecution() {
        return JdbcExecutionOptions.builder().withBatchSize(200).withBatchIntervalMs(200).withMaxRetries(3).build();
    }

    public static Sink<EmergencyCallFact> facts(JdbcTarget target, JdbcExecutionOptions execution) {
        return JdbcSink.<EmergencyCallFact>builder()
                .withExecutionOptions(execution)
                .withQueryStatement(UPSERT_FACT, new FactBinder())
                .buildAtLeastOnce(new LazyPasswordConnectionProvider(target));
    }

    public static Sink<AuditRecord> audit(JdbcTarget target, JdbcExecutionOptions execution) {
        return JdbcSink.<AuditRecord>builder()
                .withExecutionOptions(execution)
                .withQueryStatement(UPSERT_AUDIT, new AuditBinder())
                .buildAtLeastOnce(new LazyPasswordConnectionProvider(target));
    }

    public static Sink<DeadLetter> deadLetters(JdbcTarget target, JdbcExecutionOptions execution) {
        return JdbcSink.<DeadLetter>builder()
                .withExecutionOptions(execution)
                .withQueryStatement(UPSERT_DEAD_LETTER, new DeadLetterBinder())
                .buildAtLeastOnce(new LazyPasswordConnectionProvider(target));
    }

    /** Binds a fact revision or a supersede record to {@link #UPSERT_FACT}. */
    static final class FactBinder implements JdbcStatementBuilder<EmergencyCallFact> {
        private static final long serialVersionUID = 1L;

        /** Built on first use, i.e. once per sink subtask: the connector gives statement builders no open(). */
        private transient ObjectMapper mapper;

        @Override
        public void accept(PreparedStatement ps, EmergencyCallFact f) throws SQLException {
            if (mapper == null) {
                mapper = new ObjectMapper();
            }
            boolean supersede = f.isSupersede();
            UUID id = UUID.fromString(f.factId);
            // Supersede part.
            ps.setObject(1, id);
            ps.setObject(2, supersede ? UUID.fromString(f.supersededBy) : null, Types.OTHER);
            ps.setObject(3, timestamp(f.updatedAtMillis));
            ps.setBoolean(4, supersede);
            // Revision part (its values are ignored for a supersede, but must still bind).
            ps.setObject(5, id);
            ps.setString(6, text(f.tenantId));
            ps.setString(7, text(f.callerUserId));
            ps.setString(8, text(f.callerDisplayName));
            ps.setString(9, text(f.dialedNumber));
            ps.setBoolean(10, f.testCall);
            ps.setString(11, text(f.locationText));
            ps.setObject(12, timestamp(f.callStartedAtMillis));
            ps.setBoolean(13, f.callStartedAtInferred);
            ps.setObject(14, timestamp(f.detectedAtMillis));
            ps.setObject(15, timestamp(f.updatedAtMillis));
            ps.setInt(16, f.notificationCount);
            ps.setInt(17, f.deletedCount);
            ps.setInt(18, f.revision);
            Object[] sources = f.sources == null
                    ? new Object[0]
                    : f.sources.stream().map(PostgresSinks::text).toArray();
            ps.setArray(19, ps.getConnection().createArrayOf("text", sources));
            ArrayNode refs = FactJson.messageRefs(f, mapper);
            cleanTextValues(refs);
            ps.setString(20, refs.toString()); // JsonNode.toString() is valid JSON
            FactSourceColumns.bind(ps, 21, f, mapper);
            ps.setBoolean(38, !supersede);
            ps.setObject(39, id);
        }
    }

    /** Binds an audit row to {@link #UPSERT_AUDIT}. */
    static final class AuditBinder implements JdbcStatementBuilder<AuditRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public void accept(PreparedStatement ps, AuditRecord a) throws SQLException {
            bindSource(ps, a.source());
            ps.setString(5, text(a.tenantId()));
            ps.setString(6, text(a.subscriptionId()));
            ps.setString(7, text(a.changeType()));
            ps.setString(8, text(a.chatId()));
            ps.setString(9, text(a.messageId()));
            ps.setString(10, a.outcome().label());
            ps.setString(11, text(a.reason()));
            if (a.factId() == null) {
                ps.setNull(12, Types.OTHER);
            } else {
                ps.setObject(12, UUID.fromString(a.factId()));
            }
            ps.setObject(13, timestamp(a.processedAtMillis()));
            if (a.ingestLatencyMillis() < 0) {
                ps.setNull(14, Types.BIGINT);
            } else {
                ps.setLong(14, a.ingestLatencyMillis());
            }
        }
    }

    /** Binds a dead letter to {@link #UPSERT_DEAD_LETTER}. */
    static final class DeadLetterBinder implements JdbcStatementBuilder<DeadLetter> {
        private static final long serialVersionUID = 1L;

        @Override
        public void accept(PreparedStatement ps, DeadLetter d) throws SQLException {
            bindSource(ps, d.source());
            ps.setString(5, d.reason().label());
            ps.setString(6, text(d.detail()));
            ps.setString(7, d.raw() == null ? "" : text(d.raw()));
            ps.setBoolean(8, d.rawTruncated());
            ps.setObject(9, timestamp(d.failedAtMillis()));
        }
    }

    private static void bindSource(PreparedStatement ps, SourceRef s) throws SQLException {
        ps.setString(1, text(s.source()));
        ps.setInt(2, s.partition());
        ps.setLong(3, s.offset());
        ps.setInt(4, s.itemIndex());
    }

    private static OffsetDateTime timestamp(long epochMillis) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
    }

    /**
     * A dead letter's raw payload (or a hostile id) may hold U+0000 or an unpaired surrogate: the statement would
     * fail and, retried, stall the sink, or pgjdbc would write {@code ?}. Escaped losslessly instead.
     */
    static String text(String s) {
        return SafeText.escapeText(s);
    }

    /** The same for every string in a jsonb value (jsonb refuses the JSON escapes of both, too). */
    static void cleanTextValues(JsonNode node) {
        SafeText.escapeTextValues(node);
    }
}
