package dev.beacon.control.subscriptions;

import dev.beacon.control.ops.SubscriptionView;
import dev.beacon.control.store.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@code graph_subscription}: the subscriptions Graph holds for us, and what the reconciler learned about them. */
public final class SubscriptionStore {

    public static final String ACTIVE = "active";
    public static final String REMOVED = "removed";
    public static final String DELETED = "deleted";

    /** One row. No secret here: the clientState is referenced by id. */
    public record Row(String subscriptionId, String integrationId, String desiredResource, String resource,
                      String changeTypes, String notificationUrl, String lifecycleNotificationUrl,
                      String clientStateId, String encryptionCertificateId, String state, Instant expiresAt,
                      Instant createdAt, Instant lastRenewedAt, int renewalCount, int failureCount, String lastError,
                      Instant nextAttemptAt) {

        /** The last time Graph confirmed it (created or renewed). */
        public Instant lastConfirmedAt() {
            return lastRenewedAt == null ? createdAt : lastRenewedAt;
        }

        public boolean active() {
            return ACTIVE.equals(state);
        }
    }

    private static final String COLUMNS = "subscription_id, integration_id, desired_resource, resource, change_types, "
            + "notification_url, lifecycle_notification_url, client_state_id, encryption_certificate_id, state, "
            + "expires_at, created_at, last_renewed_at, renewal_count, failure_count, last_error, next_attempt_at";

    private final Sql sql;

    public SubscriptionStore(Sql sql) {
        this.sql = sql;
    }

    public void insert(Row r) {
        sql.update("INSERT INTO graph_subscription (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                        + "?, ?, ?, ?)",
                r.subscriptionId(), r.integrationId(), r.desiredResource(), r.resource(), r.changeTypes(),
                r.notificationUrl(), r.lifecycleNotificationUrl(), r.clientStateId(), r.encryptionCertificateId(),
                r.state(), r.expiresAt(), r.createdAt(), r.lastRenewedAt(), r.renewalCount(), r.failureCount(),
                r.lastError(), r.nextAttemptAt());
    }

    public Optional<Row> find(String subscriptionId) {
        return sql.queryOne("SELECT " + COLUMNS + " FROM graph_subscription WHERE subscription_id = ?",
                SubscriptionStore::row, subscriptionId);
    }

    /** Active rows of an integration, newest first. */
    public List<Row> active(String integrationId) {
        return sql.query("SELECT " + COLUMNS + " FROM graph_subscription WHERE integration_id = ? AND state = 'active' "
                + "ORDER BY created_at DESC, subscription_id", SubscriptionStore::row, integrationId);
    }

    /** Graph accepted a renewal: new expiry, counters reset, certificate as now sent. */
    public void renewed(String subscriptionId, Instant expiresAt, Instant at, String encryptionCertificateId) {
        sql.update("UPDATE graph_subscription SET expires_at = ?, last_renewed_at = ?, renewal_count = renewal_count + 1, "
                        + "failure_count = 0, last_error = NULL, next_attempt_at = NULL, encryption_certificate_id = ? "
                        + "WHERE subscription_id = ?",
                expiresAt, at, encryptionCertificateId, subscriptionId);
    }

    /** A successful call that is not a renewal (reauthorize): clear the error state. */
    public void succeeded(String subscriptionId) {
        sql.update("UPDATE graph_subscription SET failure_count = 0, last_error = NULL, next_attempt_at = NULL "
                + "WHERE subscription_id = ?", subscriptionId);
    }

    /** Throttled: no call before {@code notBefore}; not counted as a failure (Graph told us when to come back). */
    public void deferred(String subscriptionId, Instant notBefore, String error) {
        sql.update("UPDATE graph_subscription SET next_attempt_at = ?, last_error = ? WHERE subscription_id = ?",
                notBefore, error, subscriptionId);
    }

    /** A failed call: one more failure, the error (no secrets), and when to try again. */
    public void failed(String subscriptionId, String error, Instant nextAttemptAt) {
        sql.update("UPDATE graph_subscription SET failure_count = failure_count + 1, last_error = ?, "
                + "next_attempt_at = ? WHERE subscription_id = ?", error, nextAttemptAt, subscriptionId);
    }

    public void setState(String subscriptionId, String state) {
        sql.update("UPDATE graph_subscription SET state = ? WHERE subscription_id = ?", state, subscriptionId);
    }

    /** When the job last processed a notification of this subscription ({@code notification_audit}). */
    public Optional<Instant> lastNotificationAt(String subscriptionId) {
        return sql.queryOne("SELECT max(processed_at) AS last FROM notification_audit WHERE subscription_id = ?",
                rs -> Optional.ofNullable(Sql.instant(rs, "last")), subscriptionId).flatMap(o -> o);
    }

    /** @param integrationId null for all integrations */
    public List<SubscriptionView> views(String integrationId) {
        return sql.query(VIEW + "WHERE (?::text IS NULL OR g.integration_id = ?) "
                + "ORDER BY g.integration_id, g.created_at, g.subscription_id", SubscriptionStore::view,
                integrationId, integrationId);
    }

    public Optional<SubscriptionView> view(String subscriptionId) {
        return sql.queryOne(VIEW + "WHERE g.subscription_id = ?", SubscriptionStore::view, subscriptionId);
    }

    private static final String VIEW = "SELECT g.subscription_id, g.integration_id, g.resource, g.change_types, "
            + "g.notification_url, g.state, g.expires_at, g.created_at, g.last_renewed_at, g.renewal_count, "
            + "g.failure_count, g.last_error, g.next_attempt_at, g.encryption_certificate_id, "
            + "(SELECT max(a.processed_at) FROM notification_audit a WHERE a.subscription_id = g.subscription_id) "
            + "AS last_notification_at FROM graph_subscription g ";

    private static SubscriptionView view(ResultSet rs) throws SQLException {
        return new SubscriptionView(rs.getString("subscription_id"), rs.getString("integration_id"),
                rs.getString("resource"), rs.getString("change_types"), rs.getString("notification_url"),
                rs.getString("state"), Sql.instant(rs, "expires_at"), Sql.instant(rs, "created_at"),
                Sql.instant(rs, "last_renewed_at"), rs.getInt("renewal_count"), rs.getInt("failure_count"),
                rs.getString("last_error"), Sql.instant(rs, "next_attempt_at"),
                rs.getString("encryption_certificate_id"), Sql.instant(rs, "last_notification_at"));
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString("subscription_id"), rs.getString("integration_id"),
                rs.getString("desired_resource"), rs.getString("resource"), rs.getString("change_types"),
                rs.getString("notification_url"), rs.getString("lifecycle_notification_url"),
                rs.getString("client_state_id"), rs.getString("encryption_certificate_id"), rs.getString("state"),
                Sql.instant(rs, "expires_at"), Sql.instant(rs, "created_at"), Sql.instant(rs, "last_renewed_at"),
                rs.getInt("renewal_count"), rs.getInt("failure_count"), rs.getString("last_error"),
                Sql.instant(rs, "next_attempt_at"));
    }
}
