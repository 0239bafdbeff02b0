package dev.beacon.control.emulator;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Entra ID endpoints of the emulator.
 * TODO(signin helper): device code, token (all grants), authorize, device login page, revocation, failures.
 */
public final class EntraEndpoints {

    /** What the emulator knows about an access token it issued; Graph endpoints use it to authorize calls. */
    public record IssuedToken(String tenantId, String userObjectId, String username, String clientId,
                              boolean appOnly, Instant expiresAt) {}

    private final MicrosoftEmulator emulator;
    private final Map<String, IssuedToken> accessTokens = new ConcurrentHashMap<>();

    EntraEndpoints(MicrosoftEmulator emulator) {
        this.emulator = emulator;
    }

    /** The token's facts if the emulator issued it and it has not expired (by the emulator's clock). */
    public Optional<IssuedToken> validAccessToken(String accessToken) {
        if (accessToken == null) {
            return Optional.empty();
        }
        IssuedToken t = accessTokens.get(accessToken);
        return t != null && t.expiresAt().isAfter(emulator.clock().instant()) ? Optional.of(t) : Optional.empty();
    }

    /** Issues an access token directly (tests of Graph-side code that do not need MSAL). */
    public String issueAccessToken(IssuedToken facts) {
        String token = "emu-at-" + UUID.randomUUID();
        accessTokens.put(token, facts);
        return token;
    }
}
