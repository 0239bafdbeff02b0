package dev.beacon.control.lines;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.contracts.records.ReferenceTopics;
import dev.beacon.contracts.records.SecurityLineRecord;
import dev.beacon.control.integration.Integration;
import dev.beacon.control.integration.IntegrationStore;
import dev.beacon.control.sites.ReferencePublisher;
import dev.beacon.control.sites.SiteValidation;
import dev.beacon.control.sites.Transactions;
import dev.beacon.control.store.Sql;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The security lines ops configure per integration ({@code security_line}), each published as a
 * {@link SecurityLineRecord} on {@link ReferenceTopics#SECURITY_LINES} (key line id; removal publishes a
 * tombstone). The record's descriptive fields come from the matching synced resource account (by object id for
 * {@code 28:orgid:} lines, by phone number for numbers), else from what ops named the line. The JSON last
 * acknowledged by Kafka is kept on the row, so a sync republishes exactly the lines whose record changed.
 */
public final class SecurityLines {

    private static final Logger log = LoggerFactory.getLogger(SecurityLines.class);
    static final int MAX_NAME = 200;

    private final DataSource dataSource;
    private final Sql sql;
    private final IntegrationStore integrations;
    private final ResourceAccountStore accounts;
    private final ReferencePublisher publisher;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();

    private record Row(String lineId, String integrationId, String name, String publishedRecord,
                       java.time.Instant updatedAt) {}

    public SecurityLines(DataSource dataSource, IntegrationStore integrations, ResourceAccountStore accounts,
                         ReferencePublisher publisher, Clock clock) {
        this.dataSource = dataSource;
        this.sql = new Sql(dataSource);
        this.integrations = integrations;
        this.accounts = accounts;
        this.publisher = publisher;
        this.clock = clock;
    }

    /** @param integrationId null for every integration's */
    public LinesReport report(String integrationId) {
        List<LineView> views = new ArrayList<>();
        for (Row r : rows(integrationId)) {
            views.add(view(r));
        }
        List<SyncView> syncs = accounts.syncStates().stream()
                .filter(s -> integrationId == null || s.integrationId().equals(integrationId)).toList();
        return new LinesReport(views, syncs);
    }

    public boolean hasLines(String integrationId) {
        return sql.queryOne("SELECT 1 FROM security_line WHERE integration_id = ? LIMIT 1", rs -> 1, integrationId)
                .isPresent();
    }

    /** Adds the line (or renames it); returns it once Kafka acknowledged its record. */
    public LineView add(String integrationId, NewLine request) {
        Integration integration = integrations.get(integrationId)
                .orElseThrow(() -> new NoSuchElementException("no integration '" + integrationId + "'"));
        if (request == null) {
            throw new IllegalArgumentException("the request body is empty");
        }
        String lineId = LineIds.parse(request.line());
        String name = SiteValidation.text(request.name(), "name", MAX_NAME);
        Row row = Transactions.inTransaction(dataSource, "INSERT INTO security_line", c -> {
            Row r;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO security_line (line_id, integration_id, "
                    + "name, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (line_id) DO UPDATE SET name = excluded.name, "
                    + "updated_at = excluded.updated_at RETURNING *")) {
                Sql.bind(ps, lineId, integrationId, name, Timestamp.from(clock.instant()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    r = row(rs);
                }
            }
            if (!r.integrationId().equals(integrationId)) {
                throw new IllegalArgumentException("line " + lineId + " belongs to integration '" + r.integrationId()
                        + "'; remove it there first");
            }
            var node = record(r, integration.tenantId()).toJson(json);
            String record = node.toString();
            publisher.publish(ReferenceTopics.SECURITY_LINES, lineId, node);
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE security_line SET published_record = ? WHERE line_id = ?")) {
                Sql.bind(ps, record, lineId);
                ps.executeUpdate();
            }
            return new Row(r.lineId(), r.integrationId(), r.name(), record, r.updatedAt());
        });
        log.info("security line {} of integration {} stored and published", lineId, integrationId);
        return view(row);
    }

    /** Removes the line and publishes its tombstone; false when the integration has no such line. */
    public boolean remove(String integrationId, String typedLine) {
        String lineId = LineIds.parse(typedLine);
        boolean removed = Transactions.inTransaction(dataSource, "DELETE FROM security_line", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM security_line WHERE line_id = ? AND integration_id = ?")) {
                Sql.bind(ps, lineId, integrationId);
                if (ps.executeUpdate() == 0) {
                    return false;
                }
            }
            publisher.publish(ReferenceTopics.SECURITY_LINES, lineId, null);
            return true;
        });
        if (removed) {
            log.info("security line {} of integration {} removed (tombstone published)", lineId, integrationId);
        }
        return removed;
    }

    /** Removes every line of the integration (a tombstone each), when the integration goes; returns how many. */
    public int removeAll(String integrationId) {
        int n = 0;
        for (Row r : rows(integrationId)) {
            if (remove(integrationId, r.lineId())) {
                n++;
            }
        }
        return n;
    }

    /**
     * Publishes the integration's lines whose record differs from the one Kafka last acknowledged (after a
     * resource-account sync); returns how many. A failed publish leaves the line for the next call.
     */
    public int republishChanged(String integrationId) {
        return republish(integrationId, false);
    }

    /** Publishes every line again (idempotent on the compacted topic); at start. */
    public int republishAll() {
        return republish(null, true);
    }

    private int republish(String integrationId, boolean all) {
        int n = 0;
        for (Row listed : rows(integrationId)) {
            Optional<Integration> integration = integrations.get(listed.integrationId());
            if (integration.isEmpty()) {
                continue; // the integration was removed: its lines wait for ops to remove them
            }
            // one transaction per line, the row locked: a concurrent add (rename) or remove of the line waits, so a
            // record computed from an older row never lands on the topic after a newer one
            boolean published = Transactions.inTransaction(dataSource, "SELECT FROM security_line FOR UPDATE", c -> {
                Row r;
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT * FROM security_line WHERE line_id = ? FOR UPDATE")) {
                    ps.setString(1, listed.lineId());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            return false; // removed meanwhile (its tombstone is published)
                        }
                        r = row(rs);
                    }
                }
                var node = record(r, integration.get().tenantId()).toJson(json);
                String record = node.toString();
                if (!all && record.equals(r.publishedRecord())) {
                    return false;
                }
                publisher.publish(ReferenceTopics.SECURITY_LINES, r.lineId(), node);
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE security_line SET published_record = ? WHERE line_id = ?")) {
                    Sql.bind(ps, record, r.lineId());
                    ps.executeUpdate();
                }
                return true;
            });
            n += published ? 1 : 0;
        }
        return n;
    }

    SecurityLineRecord record(Row r, String tenantId) {
        Optional<ResourceAccount> a = accounts.forLine(r.integrationId(), r.lineId());
        String phone = a.map(ResourceAccount::phoneNumber).orElse(null);
        return new SecurityLineRecord(r.lineId(), r.integrationId(), tenantId,
                a.map(ResourceAccount::displayName).orElse(r.name()),
                a.map(ResourceAccount::userPrincipalName).orElse(null),
                phone == null ? LineIds.phoneOf(r.lineId()) : phone,
                a.map(ResourceAccount::acsResourceId).orElse(null));
    }

    private LineView view(Row r) {
        Optional<ResourceAccount> a = accounts.forLine(r.integrationId(), r.lineId());
        SecurityLineRecord p = published(r);
        return new LineView(r.lineId(), r.integrationId(), r.name(), p == null ? null : p.displayName(),
                p == null ? null : p.userPrincipalName(), p == null ? null : p.phoneNumber(),
                p == null ? null : p.acsResourceId(), a.isPresent(), r.updatedAt());
    }

    private SecurityLineRecord published(Row r) {
        if (r.publishedRecord() == null) {
            return null;
        }
        try {
            return SecurityLineRecord.fromJson(json.readTree(r.publishedRecord()));
        } catch (Exception e) {
            return null;
        }
    }

    private List<Row> rows(String integrationId) {
        return integrationId == null
                ? sql.query("SELECT * FROM security_line ORDER BY integration_id, line_id", SecurityLines::row)
                : sql.query("SELECT * FROM security_line WHERE integration_id = ? ORDER BY line_id",
                        SecurityLines::row, integrationId);
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString("line_id"), rs.getString("integration_id"), rs.getString("name"),
                rs.getString("published_record"), Sql.instant(rs, "updated_at"));
    }
}
