package dev.beacon.control.sites;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.contracts.records.ReferenceTopics;
import dev.beacon.contracts.records.SiteRecord;
import dev.beacon.control.store.Sql;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sites ops maintain: rows in {@code site}, each change published as a {@link SiteRecord} on
 * {@link ReferenceTopics#SITES} (key site id; removal publishes a tombstone). A change is committed only after
 * Kafka acknowledged its record ({@link Transactions}); when Kafka is unreachable the call fails with
 * {@link ReferencePublisher.ReferencePublishException} and the row stays as it was.
 */
public final class Sites {

    private static final Logger log = LoggerFactory.getLogger(Sites.class);
    private static final String COLUMNS = "site_id, tenant_id, name, match_terms, address, building, floor, "
            + "latitude, longitude, responders, updated_at";

    private final DataSource dataSource;
    private final Sql sql;
    private final ReferencePublisher publisher;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();

    public Sites(DataSource dataSource, ReferencePublisher publisher, Clock clock) {
        this.dataSource = dataSource;
        this.sql = new Sql(dataSource);
        this.publisher = publisher;
        this.clock = clock;
    }

    public List<SiteView> list() {
        return sql.query("SELECT " + COLUMNS + " FROM site ORDER BY site_id", Sites::view);
    }

    public Optional<SiteView> get(String siteId) {
        return sql.queryOne("SELECT " + COLUMNS + " FROM site WHERE site_id = ?", Sites::view, siteId);
    }

    /** Adds the site, or replaces the one with that id; returns it as stored. */
    public SiteView put(String siteId, NewSite site) {
        SiteRecord r = SiteValidation.record(siteId, site);
        SiteView stored = Transactions.inTransaction(dataSource, "INSERT INTO site", c -> {
            SiteView v;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO site (" + COLUMNS + ") "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (site_id) DO UPDATE SET "
                    + "tenant_id = excluded.tenant_id, name = excluded.name, match_terms = excluded.match_terms, "
                    + "address = excluded.address, building = excluded.building, floor = excluded.floor, "
                    + "latitude = excluded.latitude, longitude = excluded.longitude, "
                    + "responders = excluded.responders, updated_at = excluded.updated_at RETURNING " + COLUMNS)) {
                ps.setString(1, r.siteId());
                ps.setString(2, r.tenantId());
                ps.setString(3, r.name());
                ps.setArray(4, textArray(c, r.matchTerms()));
                ps.setString(5, r.address());
                ps.setString(6, r.building());
                ps.setString(7, r.floor());
                setDouble(ps, 8, r.latitude());
                setDouble(ps, 9, r.longitude());
                ps.setArray(10, textArray(c, r.responders()));
                ps.setTimestamp(11, Timestamp.from(clock.instant()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    v = view(rs);
                }
            }
            // the row is written and locked: publish, and commit only once Kafka has it
            publisher.publish(ReferenceTopics.SITES, r.siteId(), r.toJson(json));
            return v;
        });
        log.info("site {} stored and published ({} match terms)", r.siteId(), r.matchTerms().size());
        return stored;
    }

    /** Removes the site and publishes its tombstone; false when there is no such site. */
    public boolean remove(String siteId) {
        boolean removed = Transactions.inTransaction(dataSource, "DELETE FROM site", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM site WHERE site_id = ?")) {
                ps.setString(1, siteId);
                if (ps.executeUpdate() == 0) {
                    return false;
                }
            }
            publisher.publish(ReferenceTopics.SITES, siteId, null);
            return true;
        });
        if (removed) {
            log.info("site {} removed (tombstone published)", siteId);
        }
        return removed;
    }

    /**
     * Publishes every site again (idempotent on the compacted topic): run when the control plane starts, so a topic
     * that was recreated or lost records gets the table's state back. Returns how many were published.
     */
    public int republishAll() {
        // FOR SHARE: an ops change of a site waits until this snapshot is on the topic, so the newer record is
        // always published after the older one (never overwritten by a late republish)
        return Transactions.inTransaction(dataSource, "SELECT FROM site FOR SHARE", c -> {
            java.util.Map<String, com.fasterxml.jackson.databind.node.ObjectNode> records =
                    new java.util.LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM site ORDER BY site_id "
                    + "FOR SHARE"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    SiteView v = view(rs);
                    records.put(v.siteId(), record(v).toJson(json));
                }
            }
            publisher.publishAll(ReferenceTopics.SITES, records);
            return records.size();
        });
    }

    static SiteRecord record(SiteView v) {
        return new SiteRecord(v.siteId(), v.tenantId(), v.name(), v.matchTerms(), v.address(), v.building(),
                v.floor(), v.latitude(), v.longitude(), v.responders());
    }

    private static SiteView view(ResultSet rs) throws SQLException {
        return new SiteView(rs.getString("site_id"), rs.getString("tenant_id"), rs.getString("name"),
                texts(rs.getArray("match_terms")), rs.getString("address"), rs.getString("building"),
                rs.getString("floor"), rs.getObject("latitude", Double.class),
                rs.getObject("longitude", Double.class), texts(rs.getArray("responders")),
                Sql.instant(rs, "updated_at"));
    }

    private static List<String> texts(Array a) throws SQLException {
        return a == null ? List.of() : Arrays.asList((String[]) a.getArray());
    }

    private static Array textArray(Connection c, List<String> values) throws SQLException {
        return c.createArrayOf("text", values.toArray(new String[0]));
    }

    private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.DOUBLE);
        } else {
            ps.setDouble(i, v);
        }
    }
}
