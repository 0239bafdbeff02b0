package dev.beacon.control.signin;

import dev.beacon.control.ops.LoginView;
import dev.beacon.control.store.Sql;
import dev.beacon.control.vault.SealPurpose;
import dev.beacon.control.vault.SealedBox;
import dev.beacon.control.vault.VaultKeyException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest auth-code sign-in per integration in {@code auth_code_login}, as {@code beaconctl login} polls it:
 * the poll may reach any replica, and the callback may have ended the sign-in on another one. The link holds a
 * connect ticket, so it is sealed ({@link SealPurpose#authCodeLoginLink}).
 */
final class AuthCodeLogins {

    private static final Logger log = LoggerFactory.getLogger(AuthCodeLogins.class);

    private final Sql sql;
    private final SealedBox box;

    AuthCodeLogins(Sql sql, SealedBox box) {
        this.sql = sql;
        this.box = box;
    }

    /** Replaces the integration's latest auth-code sign-in. */
    void put(LoginView v) {
        byte[] link = v.verificationUri() == null ? null
                : box.sealString(v.verificationUri(), SealPurpose.authCodeLoginLink(v.integrationId()));
        sql.update("""
                INSERT INTO auth_code_login (integration_id, phase, link_sealed, message, link_expires_at, username,
                                             detail, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, now())
                ON CONFLICT (integration_id) DO UPDATE SET phase = EXCLUDED.phase, link_sealed = EXCLUDED.link_sealed,
                    message = EXCLUDED.message, link_expires_at = EXCLUDED.link_expires_at,
                    username = EXCLUDED.username, detail = EXCLUDED.detail, updated_at = now()""",
                v.integrationId(), v.phase(), link, v.message(), v.expiresAt(), v.username(), v.detail());
    }

    /** The integration's latest auth-code sign-in, if one ran (on any replica). */
    Optional<LoginView> get(String integrationId) {
        return sql.queryOne("SELECT phase, link_sealed, message, link_expires_at, username, detail "
                + "FROM auth_code_login WHERE integration_id = ?", rs -> new LoginView(integrationId,
                rs.getString(1), openLink(integrationId, rs.getBytes(2)), null, rs.getString(3),
                Sql.instant(rs, "link_expires_at"), rs.getString(5), rs.getString(6)), integrationId);
    }

    private String openLink(String integrationId, byte[] sealed) {
        if (sealed == null) {
            return null;
        }
        try {
            return box.openString(sealed, SealPurpose.authCodeLoginLink(integrationId));
        } catch (VaultKeyException e) { // the vault key rotated: the link's ticket is void anyway
            log.warn("integration {}: the pending sign-in link cannot be opened ({}); shown without it",
                    integrationId, e.getMessage());
            return null;
        }
    }
}
