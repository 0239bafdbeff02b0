package dev.beacon.control.ha;

import dev.beacon.testing.PostgresFixture;

/** Integration rows for lease tests (leases reference integrations); no credentials needed for device-code. */
final class LeaseTestData {

    private LeaseTestData() {}

    static void addIntegration(PostgresFixture pg, String id) {
        pg.execute("INSERT INTO integration (integration_id, tenant_id, client_id, auth_mode) "
                + "VALUES (?, 'tenant-" + id + "', 'client-" + id + "', 'device-code')", id);
    }
}
