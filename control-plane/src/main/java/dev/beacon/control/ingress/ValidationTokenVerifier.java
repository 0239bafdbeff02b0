package dev.beacon.control.ingress;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks the {@code validationTokens} of a rich notification collection: each is a JWT Microsoft signed for the
 * app that created the subscription. A token passes when
 * <ul>
 *   <li>its RS256 signature verifies against a key of the JWKS (cached; downloaded again when a token names an
 *       unknown key id, at most twice per {@code minRefresh});</li>
 *   <li>it is not expired (one minute of clock skew) and not used before {@code nbf};</li>
 *   <li>its audience is one of the configured app ids;</li>
 *   <li>{@code appid} or {@code azp} is Microsoft Graph's change-notification publisher, {@value #GRAPH_PUBLISHER};
 *       </li>
 *   <li>its issuer is {@code https://sts.windows.net/{tenant}/} or
 *       {@code https://login.microsoftonline.com/{tenant}/v2.0} for a tenant of the collection's notifications.</li>
 * </ul>
 * and the collection passes when every token passes and every tenant with rich (encrypted) content is covered by
 * one of them.
 */
public final class ValidationTokenVerifier {

    /** The app id Microsoft Graph's change-notification service signs validation tokens as. */
    public static final String GRAPH_PUBLISHER = "0bf30f3b-4a52-48df-9a82-234910c4a086";

    /** Why a collection was refused; the message is safe to log (no token, no secret). */
    public static final class Rejected extends Exception {
        public Rejected(String message) {
            super(message, null, false, false);
        }
    }

    /** The keys could not be fetched: not the sender's fault, so the ingress answers 503 and Graph retries. */
    public static final class KeysUnavailable extends Exception {
        public KeysUnavailable(String message) {
            super(message, null, false, false);
        }
    }

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    public ValidationTokenVerifier(URI jwksUrl, Set<String> appIds, Duration minRefresh) {
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.<SecurityContext>create(jwksUrl.toURL(),
                            new DefaultResourceRetriever(1000, 1000, 512 * 1024))
                    .cache(Duration.ofHours(1).toMillis(), 1500)
                    .refreshAheadCache(false)
                    .rateLimited(minRefresh.toMillis())
                    .retrying(false)
                    .outageTolerant(Duration.ofHours(24).toMillis())
                    .build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("not a JWKS URL: " + jwksUrl);
        }
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(new HashSet<>(appIds), null,
                new HashSet<>(Set.of("exp", "iss", "aud")), null));
    }

    /**
     * @param tokens        the collection's {@code validationTokens}
     * @param tenants       the tenant ids of the collection's notifications (issuers must be for one of them)
     * @param richTenants   the tenants of notifications with encrypted content (each needs a valid token)
     */
    public void verify(List<String> tokens, Set<String> tenants, Set<String> richTenants)
            throws Rejected, KeysUnavailable {
        if (tokens.isEmpty()) {
            throw new Rejected("rich notifications without validationTokens");
        }
        Set<String> covered = new HashSet<>();
        int i = 0;
        for (String token : tokens) {
            covered.add(verifyOne(token, tenants, i++));
        }
        for (String t : richTenants) {
            if (!covered.contains(t)) {
                throw new Rejected("no validation token for a tenant of the notifications");
            }
        }
    }

    private String verifyOne(String token, Collection<String> tenants, int index) throws Rejected, KeysUnavailable {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw new Rejected("validation token " + index + " is not a JWT");
        } catch (KeySourceException e) {
            throw new KeysUnavailable("the JWKS could not be fetched (" + e.getClass().getSimpleName() + ")");
        } catch (BadJOSEException | JOSEException e) {
            throw new Rejected("validation token " + index + " refused: "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
        }
        Object appId = claims.getClaim("appid");
        Object azp = claims.getClaim("azp");
        if (!GRAPH_PUBLISHER.equals(appId) && !GRAPH_PUBLISHER.equals(azp)) {
            throw new Rejected("validation token " + index + " was not issued to Microsoft Graph's publisher");
        }
        String issuer = claims.getIssuer();
        for (String t : tenants) {
            if (("https://sts.windows.net/" + t + "/").equals(issuer)
                    || ("https://login.microsoftonline.com/" + t + "/v2.0").equals(issuer)) {
                return t;
            }
        }
        throw new Rejected("validation token " + index + " has an issuer for another tenant");
    }
}
