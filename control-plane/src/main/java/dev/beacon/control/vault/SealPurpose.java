package dev.beacon.control.vault;

/**
 * The associated data each sealed column is bound to ({@link SealedBox}): one place, so sealing, opening and
 * {@code vault rekey} always agree. A box opened under another purpose fails its integrity check.
 */
public final class SealPurpose {

    private SealPurpose() {}

    /** {@code integration.credential_sealed} */
    public static String integrationCredential(String integrationId) {
        return "integration/" + integrationId + "/credential";
    }

    /** {@code token_cache.cache_sealed} */
    public static String tokenCache(String integrationId, String homeAccountId) {
        return "token_cache/" + integrationId + "/" + homeAccountId;
    }

    /** {@code client_state.secret_sealed} */
    public static String clientState(String clientStateId) {
        return "client_state/" + clientStateId;
    }

    /** {@code encryption_certificate.private_key_sealed} */
    public static String privateKey(String certificateId) {
        return "encryption_certificate/" + certificateId;
    }

    /** {@code alert_route.url_sealed}: a webhook or Teams URL (a Teams URL carries its signature) */
    public static String alertRouteUrl(String routeId) {
        return "alert_route/" + routeId + "/url";
    }

    /** {@code alert_route.secret_sealed}: a webhook's HMAC secret */
    public static String alertRouteSecret(String routeId) {
        return "alert_route/" + routeId + "/secret";
    }

    /** {@code auth_code_state.pending_sealed}: a started auth-code sign-in's PKCE verifier and redirect URI */
    public static String authCodeState(String integrationId, String stateHashHex) {
        return "auth_code_state/" + integrationId + "/" + stateHashHex;
    }

    /** {@code auth_code_login.link_sealed}: the one-time sign-in link (it holds a connect ticket) */
    public static String authCodeLoginLink(String integrationId) {
        return "auth_code_login/" + integrationId + "/link";
    }

    /** {@code device_code_login.user_code_sealed}: the user code of a running device-code sign-in */
    public static String deviceCodeLoginUserCode(String integrationId) {
        return "device_code_login/" + integrationId + "/user_code";
    }
}
