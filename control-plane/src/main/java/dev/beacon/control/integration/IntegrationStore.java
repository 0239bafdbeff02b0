package dev.beacon.control.integration;

import dev.beacon.control.store.Sql;
import dev.beacon.control.vault.SealPurpose;
import dev.beacon.control.vault.SealedBox;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** Integrations and their desired subscriptions, in PostgreSQL. Credentials are sealed before they are stored. */
public final class IntegrationStore {

    private static final String COLUMNS = "integration_id, display_name, tenant_id, client_id, auth_mode, "
            + "credential_kind, status, status_detail, created_at, updated_at";

    private final Sql sql;
    private final SealedBox vault;
    private final Clock clock;

    public IntegrationStore(Sql sql, SealedBox vault, Clock clock) {
        this.sql = sql;
        this.vault = vault;
        this.clock = clock;
    }

    /**
     * Adds an integration.
     *
     * @param credentialKind {@code secret}, {@code certificate} or null
     * @param credential     the client secret (UTF-8) or PKCS12 bytes; sealed here; null for public clients
     */
    public Integration add(String id, String displayName, String tenantId, String clientId, AuthMode mode,
                           String credentialKind, byte[] credential) {
        if (mode == AuthMode.CLIENT_CREDENTIALS && credential == null) {
            throw new IllegalArgumentException("client-credentials needs a client secret or certificate");
        }
        byte[] sealed = credential == null ? null : vault.seal(credential, SealPurpose.integrationCredential(id));
        var now = clock.instant();
        sql.update("INSERT INTO integration (integration_id, display_name, tenant_id, client_id, auth_mode, "
                        + "credential_kind, credential_sealed, status, created_at, updated_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                id, displayName, tenantId, clientId, mode.dbValue(), credential == null ? null : credentialKind,
                sealed, mode == AuthMode.CLIENT_CREDENTIALS ? IntegrationStatus.ACTIVE.dbValue()
                        : IntegrationStatus.NEEDS_SIGN_IN.dbValue(), now, now);
        return get(id).orElseThrow();
    }

    public Optional<Integration> get(String id) {
        return sql.queryOne("SELECT " + COLUMNS + " FROM integration WHERE integration_id = ?",
                IntegrationStore::integration, id);
    }

    public Integration require(String id) {
        return get(id).orElseThrow(() -> new IllegalArgumentException("no integration '" + id + "'"));
    }

    public List<Integration> list() {
        return sql.query("SELECT " + COLUMNS + " FROM integration ORDER BY integration_id",
                IntegrationStore::integration);
    }

    /** Removes the integration and, by cascade, its tokens, subscriptions records, secrets and gaps. */
    public boolean remove(String id) {
        return sql.update("DELETE FROM integration WHERE integration_id = ?", id) == 1;
    }

    public void setStatus(String id, IntegrationStatus status, String detail) {
        sql.update("UPDATE integration SET status = ?, status_detail = ?, updated_at = ? WHERE integration_id = ?",
                status.dbValue(), detail, clock.instant(), id);
    }

    /** The opened credential (client secret bytes or PKCS12), for sign-in code only; empty if none. */
    public Optional<byte[]> credential(String id) {
        return sql.queryOne("SELECT credential_sealed FROM integration WHERE integration_id = ?",
                        rs -> Optional.ofNullable(rs.getBytes(1)), id)
                .flatMap(o -> o)
                .map(box -> vault.open(box, SealPurpose.integrationCredential(id)));
    }

    /** Adds or replaces a desired subscription (keyed by integration and resource). */
    public void putDesired(DesiredSubscription d) {
        if (d.lifetimeMinutes() < DesiredSubscription.MIN_LIFETIME_MINUTES
                || d.lifetimeMinutes() > DesiredSubscription.MAX_LIFETIME_MINUTES) {
            throw new IllegalArgumentException("lifetime must be 45..4320 minutes, got " + d.lifetimeMinutes());
        }
        sql.update("INSERT INTO desired_subscription (integration_id, resource, change_types, notification_url, "
                        + "lifecycle_notification_url, include_resource_data, lifetime_minutes) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (integration_id, resource) DO UPDATE SET "
                        + "change_types = EXCLUDED.change_types, notification_url = EXCLUDED.notification_url, "
                        + "lifecycle_notification_url = EXCLUDED.lifecycle_notification_url, "
                        + "include_resource_data = EXCLUDED.include_resource_data, "
                        + "lifetime_minutes = EXCLUDED.lifetime_minutes",
                d.integrationId(), d.resource(), d.changeTypes(), d.notificationUrl(), d.lifecycleNotificationUrl(),
                d.includeResourceData(), d.lifetimeMinutes());
    }

    public boolean removeDesired(String integrationId, String resource) {
        return sql.update("DELETE FROM desired_subscription WHERE integration_id = ? AND resource = ?",
                integrationId, resource) == 1;
    }

    public List<DesiredSubscription> desired(String integrationId) {
        return sql.query("SELECT integration_id, resource, change_types, notification_url, "
                        + "lifecycle_notification_url, include_resource_data, lifetime_minutes "
                        + "FROM desired_subscription WHERE integration_id = ? ORDER BY resource",
                rs -> new DesiredSubscription(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getBoolean(6), rs.getInt(7)),
                integrationId);
    }

    private static Integration integration(ResultSet rs) throws SQLException {
        return new Integration(
                rs.getString("integration_id"),
                rs.getString("display_name"),
                rs.getString("tenant_id"),
                rs.getString("client_id"),
                AuthMode.parse(rs.getString("auth_mode")),
                rs.getString("credential_kind"),
                IntegrationStatus.parse(rs.getString("status")),
                rs.getString("status_detail"),
                Sql.instant(rs, "created_at"),
                Sql.instant(rs, "updated_at"));
    }
}
