package dev.beacon.control.lines;

import dev.beacon.control.sites.Transactions;
import dev.beacon.control.store.Sql;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** The synced resource accounts ({@code resource_account}) and each integration's sync state. */
public final class ResourceAccountStore {

    private final DataSource dataSource;
    private final Sql sql;

    public ResourceAccountStore(DataSource dataSource) {
        this.dataSource = dataSource;
        this.sql = new Sql(dataSource);
    }

    /** Replaces the integration's accounts with what Graph listed, in one transaction. */
    public void replace(String integrationId, List<ResourceAccount> accounts, Instant at) {
        Transactions.inTransaction(dataSource, "DELETE FROM resource_account", c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM resource_account WHERE integration_id = ?")) {
                del.setString(1, integrationId);
                del.executeUpdate();
            }
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO resource_account (integration_id, "
                    + "account_id, display_name, user_principal_name, phone_number, acs_resource_id, app_id, "
                    + "synced_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                for (ResourceAccount a : accounts) {
                    Sql.bind(ins, integrationId, a.accountId(), a.displayName(), a.userPrincipalName(),
                            a.phoneNumber(), a.acsResourceId(), a.appId(), Timestamp.from(at));
                    ins.addBatch();
                }
                ins.executeBatch();
            }
            return null;
        });
    }

    public List<ResourceAccount> accounts(String integrationId) {
        return sql.query("SELECT * FROM resource_account WHERE integration_id = ? ORDER BY account_id",
                ResourceAccountStore::account, integrationId);
    }

    /** The account a line is: by object id for {@code 28:orgid:} lines, by phone number for {@code 4:+} lines. */
    public Optional<ResourceAccount> forLine(String integrationId, String lineId) {
        String objectId = LineIds.objectIdOf(lineId);
        if (objectId != null) {
            return sql.queryOne("SELECT * FROM resource_account WHERE integration_id = ? AND account_id = ?",
                    ResourceAccountStore::account, integrationId, objectId);
        }
        String phone = LineIds.phoneOf(lineId);
        return phone == null ? Optional.empty() : sql.queryOne("SELECT * FROM resource_account "
                + "WHERE integration_id = ? AND phone_number = ? ORDER BY account_id LIMIT 1",
                ResourceAccountStore::account, integrationId, phone);
    }

    public Optional<SyncView> syncState(String integrationId) {
        return sql.queryOne("SELECT * FROM resource_account_sync WHERE integration_id = ?",
                ResourceAccountStore::sync, integrationId);
    }

    public List<SyncView> syncStates() {
        return sql.query("SELECT * FROM resource_account_sync ORDER BY integration_id", ResourceAccountStore::sync);
    }

    /** Records an attempt; {@code accounts} and the success time only change on {@code ok}. */
    public void recordAttempt(String integrationId, String status, String detail, int accounts, Instant at) {
        boolean ok = "ok".equals(status);
        sql.update("INSERT INTO resource_account_sync (integration_id, status, detail, accounts, last_attempt_at, "
                + "last_success_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (integration_id) DO UPDATE SET "
                + "status = excluded.status, detail = excluded.detail, last_attempt_at = excluded.last_attempt_at, "
                + "accounts = CASE WHEN excluded.status = 'ok' THEN excluded.accounts "
                + "ELSE resource_account_sync.accounts END, "
                + "last_success_at = COALESCE(excluded.last_success_at, resource_account_sync.last_success_at)",
                integrationId, status, detail, accounts, at, ok ? at : null);
    }

    private static ResourceAccount account(ResultSet rs) throws SQLException {
        return new ResourceAccount(rs.getString("account_id"), rs.getString("display_name"),
                rs.getString("user_principal_name"), rs.getString("phone_number"), rs.getString("acs_resource_id"),
                rs.getString("app_id"));
    }

    private static SyncView sync(ResultSet rs) throws SQLException {
        return new SyncView(rs.getString("integration_id"), rs.getString("status"), rs.getString("detail"),
                rs.getInt("accounts"), Sql.instant(rs, "last_attempt_at"), Sql.instant(rs, "last_success_at"));
    }
}
