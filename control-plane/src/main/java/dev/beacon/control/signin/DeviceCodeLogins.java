package dev.beacon.control.signin;

import dev.beacon.control.ops.LoginView;
import dev.beacon.control.store.Sql;
import dev.beacon.control.vault.SealPurpose;
import dev.beacon.control.vault.SealedBox;
import dev.beacon.control.vault.VaultKeyException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest device-code sign-in per integration in {@code device_code_login}, shared by every replica: the one that
 * started the flow polls Entra and writes each change (guarded by the flow's id), any replica answers
 * {@code beaconctl login}'s poll. A flow is live while pending (or slowed down) and ahead of its {@code live_until}
 * by the database clock; past it (the code expired, or the replica polling Entra stopped) it reads as
 * {@code expired} and the next start replaces it. The user code is sealed ({@link SealPurpose#deviceCodeLoginUserCode}).
 */
final class DeviceCodeLogins {

    private static final Logger log = LoggerFactory.getLogger(DeviceCodeLogins.class);
    private static final String IN_PROGRESS = "phase IN ('pending', 'slow-down')";

    private final Sql sql;
    private final SealedBox box;

    DeviceCodeLogins(Sql sql, SealedBox box) {
        this.sql = sql;
        this.box = box;
    }

    /**
     * Starts flow {@code flowId} unless a live one runs (on any replica): one statement, so two replicas asked at
     * once start one flow. {@code liveFor} bounds the wait for Entra's code should this replica stop before it.
     *
     * @return whether this caller now owns the integration's device-code sign-in
     */
    boolean claim(String integrationId, UUID flowId, Duration liveFor) {
        return sql.update("""
                INSERT INTO device_code_login (integration_id, flow_id, phase, message, live_until)
                VALUES (?, ?, 'pending', 'waiting for Entra to issue a code', now() + ?::bigint * interval '1 millisecond')
                ON CONFLICT (integration_id) DO UPDATE SET flow_id = EXCLUDED.flow_id, phase = EXCLUDED.phase,
                    verification_uri = NULL, user_code_sealed = NULL, message = EXCLUDED.message, expires_at = NULL,
                    live_until = EXCLUDED.live_until, username = NULL, detail = NULL, started_at = now(),
                    updated_at = now()
                WHERE device_code_login.phase NOT IN ('pending', 'slow-down') OR device_code_login.live_until <= now()""",
                integrationId, flowId, liveFor.toMillis()) == 1;
    }

    /** Entra issued a (new) code: pending until {@code lifetime} from now by the database clock. */
    void codeIssued(String integrationId, UUID flowId, String verificationUri, String userCode, String message,
                    Instant expiresAt, Duration lifetime) {
        byte[] sealed = box.sealString(userCode, SealPurpose.deviceCodeLoginUserCode(integrationId));
        sql.update("UPDATE device_code_login SET phase = 'pending', verification_uri = ?, user_code_sealed = ?, "
                        + "message = ?, expires_at = ?, live_until = now() + ?::bigint * interval '1 millisecond', "
                        + "detail = NULL, updated_at = now() WHERE integration_id = ? AND flow_id = ? AND " + IN_PROGRESS,
                verificationUri, sealed, message, expiresAt, lifetime.toMillis(), integrationId, flowId);
    }

    /** Entra said slow_down: a restart with a new code follows; live until {@code liveFor} past now. */
    void slowDown(String integrationId, UUID flowId, String detail, Duration liveFor) {
        sql.update("UPDATE device_code_login SET phase = 'slow-down', detail = ?, "
                        + "live_until = GREATEST(live_until, now() + ?::bigint * interval '1 millisecond'), "
                        + "updated_at = now() WHERE integration_id = ? AND flow_id = ? AND " + IN_PROGRESS,
                detail, liveFor.toMillis(), integrationId, flowId);
    }

    /** The flow ended (signed in, declined, expired, failed): the user code is void, so it goes. */
    void ended(String integrationId, UUID flowId, String phase, String username, String detail) {
        sql.update("UPDATE device_code_login SET phase = ?, username = ?, detail = ?, user_code_sealed = NULL, "
                        + "updated_at = now() WHERE integration_id = ? AND flow_id = ?",
                phase, username, detail, integrationId, flowId);
    }

    /** The integration's latest device-code sign-in (started on any replica), a lapsed one as {@code expired}. */
    Optional<LoginView> get(String integrationId) {
        return sql.queryOne("SELECT phase, verification_uri, user_code_sealed, message, expires_at, username, detail, "
                + IN_PROGRESS + " AND live_until <= now() AS lapsed FROM device_code_login WHERE integration_id = ?",
                rs -> rs.getBoolean("lapsed")
                        ? new LoginView(integrationId, "expired", rs.getString(2), null, null,
                                Sql.instant(rs, "expires_at"), null,
                                "sign-in: the device code expired before the sign-in finished (or the replica "
                                        + "polling Entra stopped); run 'beaconctl login " + integrationId
                                        + "' to start again")
                        : new LoginView(integrationId, rs.getString(1), rs.getString(2),
                                openUserCode(integrationId, rs.getBytes(3)), rs.getString(4),
                                Sql.instant(rs, "expires_at"), rs.getString(6), rs.getString(7)),
                integrationId);
    }

    private String openUserCode(String integrationId, byte[] sealed) {
        if (sealed == null) {
            return null;
        }
        try {
            return box.openString(sealed, SealPurpose.deviceCodeLoginUserCode(integrationId));
        } catch (VaultKeyException e) { // the vault key rotated mid-flow: shown without the code
            log.warn("integration {}: the pending device code cannot be opened ({}); shown without it",
                    integrationId, e.getMessage());
            return null;
        }
    }
}
