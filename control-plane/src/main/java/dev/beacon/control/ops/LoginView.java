package dev.beacon.control.ops;

import java.time.Instant;

/**
 * The state of a sign-in, as the CLI and API show it.
 *
 * @param phase           {@code none}, {@code pending}, {@code signed-in}, {@code expired}, {@code declined},
 *                        {@code slow-down}, {@code needs-interaction}, {@code failed}
 * @param verificationUri where the person signs in (device code), else null
 * @param userCode        the code they type there (device code), else null
 * @param message         Entra's own instruction text, or ours
 * @param detail          why it failed, in words (never a stack trace, never a token)
 */
public record LoginView(
        String integrationId,
        String phase,
        String verificationUri,
        String userCode,
        String message,
        Instant expiresAt,
        String username,
        String detail) {

    public boolean finished() {
        return !"pending".equals(phase) && !"slow-down".equals(phase);
    }
}
