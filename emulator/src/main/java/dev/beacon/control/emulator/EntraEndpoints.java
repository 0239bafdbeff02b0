package dev.beacon.control.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.control.emulator.MicrosoftEmulator.Request;
import dev.beacon.control.emulator.MicrosoftEmulator.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Entra ID (v2 endpoints) as the emulator plays it, following the documented wire contract closely enough for MSAL4J:
 *
 * <ul>
 *   <li>{@code POST /{tenant}/oauth2/v2.0/devicecode}: a user code a human approves on {@code /devicelogin};</li>
 *   <li>{@code POST /{tenant}/oauth2/v2.0/token}: grants {@code device_code} (MSAL's literal and the RFC 8628 URN),
 *       {@code refresh_token} (rotating: a refresh token works once, as Entra replaces it on use),
 *       {@code authorization_code} and {@code client_credentials} (client secret or certificate assertion);</li>
 *   <li>{@code GET /{tenant}/oauth2/v2.0/authorize}: answers with a code, or {@code error=access_denied}, the way
 *       {@code response_mode} asks: {@code form_post} an auto-submitting HTML form that POSTs {@code code} and
 *       {@code state} to the redirect URI; {@code query} (the default for {@code response_type=code}) a 302 with them
 *       in the query; {@code fragment} a 302 with them after {@code #}. A PKCE {@code code_challenge}
 *       ({@code S256} or {@code plain}) is bound to the code and checked against {@code code_verifier} at the token
 *       endpoint ({@code invalid_grant}, AADSTS501481, on a mismatch or when it is missing);</li>
 *   <li>{@code GET|POST /devicelogin}: the page a person (or the demo) uses to approve or decline a code.</li>
 * </ul>
 *
 * <p>Expiry is judged by the emulator's clock, so tests sharing a {@code MutableClock} can age codes and tokens.
 * Errors carry Entra's shape ({@code error}, {@code error_description} with the AADSTS code, {@code error_codes},
 * {@code suberror}), which is what makes MSAL raise its typed exceptions.
 */
public final class EntraEndpoints {

    /** What the emulator knows about an access token it issued; Graph endpoints use it to authorize calls. */
    public record IssuedToken(String tenantId, String userObjectId, String username, String clientId,
                              boolean appOnly, Instant expiresAt) {}

    /** A person who can sign in. */
    public record EmulatedUser(String oid, String username, String tenant) {}

    /** A device code the emulator handed out; {@code deviceCode} is a secret, so toString leaves it out. */
    public record DeviceCodeGrant(String userCode, String deviceCode, String clientId, String tenant,
                                  Instant expiresAt) {
        @Override
        public String toString() {
            return "DeviceCodeGrant[userCode=" + userCode + ", clientId=" + clientId + ", expiresAt=" + expiresAt + "]";
        }
    }

    public static final String DEFAULT_TENANT = "6f1c1b0e-0000-4000-8000-00000000c0de";
    public static final EmulatedUser DEFAULT_USER =
            new EmulatedUser("2a5e9d3c-0000-4000-8000-0000000000d1", "desk@contoso.example", DEFAULT_TENANT);

    static final String DEVICE_CODE_URN = "urn:ietf:params:oauth:grant-type:device_code";
    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    /** Entra's refresh tokens expire after 90 days without use. */
    static final Duration REFRESH_TOKEN_INACTIVITY = Duration.ofDays(90);

    private enum CodeState { PENDING, APPROVED, DECLINED, REDEEMED }

    private static final class DeviceCodeEntry {
        final DeviceCodeGrant grant;
        final String scope;
        CodeState state = CodeState.PENDING;
        EmulatedUser user;

        DeviceCodeEntry(DeviceCodeGrant grant, String scope) {
            this.grant = grant;
            this.scope = scope;
        }
    }

    private record RefreshTokenEntry(EmulatedUser user, String clientId, String scope, Instant issuedAt,
                                     String revokedBecause) {}

    private record AuthCodeEntry(EmulatedUser user, String clientId, String redirectUri, String scope,
                                 Instant expiresAt, String codeChallenge, String codeChallengeMethod) {}

    private final MicrosoftEmulator emulator;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, IssuedToken> accessTokens = new ConcurrentHashMap<>();
    private final Map<String, DeviceCodeEntry> deviceCodes = new ConcurrentHashMap<>(); // by device_code
    private final Map<String, String> userCodes = new ConcurrentHashMap<>(); // user_code -> device_code
    private final Map<String, RefreshTokenEntry> refreshTokens = new ConcurrentHashMap<>();
    private final Map<String, AuthCodeEntry> authCodes = new ConcurrentHashMap<>();
    private final Map<String, String> clientSecrets = new ConcurrentHashMap<>();
    private final Map<String, X509Certificate> clientCertificates = new ConcurrentHashMap<>();
    private final Map<String, EmulatedUser> users = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> grants = new ConcurrentHashMap<>();
    private final List<String> issuedAccessTokens = new CopyOnWriteArrayList<>();
    private final List<String> issuedRefreshTokens = new CopyOnWriteArrayList<>();
    private final AtomicInteger slowDowns = new AtomicInteger();
    private final AtomicInteger authorizeAnswers = new AtomicInteger();
    private volatile DeviceCodeGrant lastDeviceCode;
    private volatile Duration accessTokenLifetime = Duration.ofHours(1);
    private volatile Duration refreshIn;
    private volatile Duration deviceCodeExpiresIn = Duration.ofMinutes(15);
    private volatile int deviceCodeIntervalSeconds = 5;
    private volatile EmulatedUser consentingUser = DEFAULT_USER; // null: the user declines consent

    EntraEndpoints(MicrosoftEmulator emulator) {
        this.emulator = emulator;
        addUser(DEFAULT_USER);
        emulator.route("POST", "/([^/]+)/oauth2/v2\\.0/devicecode", this::deviceCode);
        emulator.route("POST", "/([^/]+)/oauth2/v2\\.0/token", this::token);
        emulator.route("GET", "/([^/]+)/oauth2/v2\\.0/authorize", this::authorize);
        emulator.route("GET", "/devicelogin", r -> html(200, loginPage("")));
        emulator.route("POST", "/devicelogin", this::deviceLogin);
    }

    // ---- Java API for tests and the demo -------------------------------------------------------------------------

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

    public EntraEndpoints addUser(EmulatedUser user) {
        users.put(user.username().toLowerCase(Locale.ROOT), user);
        return this;
    }

    /** Registers a confidential client's secret; token calls with another secret get {@code invalid_client}. */
    public EntraEndpoints registerClientSecret(String clientId, String secret) {
        clientSecrets.put(clientId, secret);
        return this;
    }

    /** Registers a confidential client's certificate; assertions must then be signed by its key (RS256). */
    public EntraEndpoints registerClientCertificate(String clientId, X509Certificate certificate) {
        clientCertificates.put(clientId, certificate);
        return this;
    }

    /** Device code timing: how long a code lives and the polling interval Entra asks for. */
    public EntraEndpoints deviceCodeTiming(Duration expiresIn, int intervalSeconds) {
        this.deviceCodeExpiresIn = expiresIn;
        this.deviceCodeIntervalSeconds = intervalSeconds;
        return this;
    }

    /** Lifetime of access tokens issued from now on ({@code expires_in} and the emulator-clock expiry). */
    public EntraEndpoints accessTokenLifetime(Duration lifetime) {
        this.accessTokenLifetime = lifetime;
        return this;
    }

    /** Adds {@code refresh_in} to token responses (MSAL refreshes proactively after it); null removes it. */
    public EntraEndpoints refreshIn(Duration refreshIn) {
        this.refreshIn = refreshIn;
        return this;
    }

    /** Who consents on the authorize endpoint; null means the user declines ({@code error=access_denied}). */
    public EntraEndpoints consentAs(EmulatedUser user) {
        this.consentingUser = user;
        return this;
    }

    /** The next device-code poll answers {@code slow_down} (RFC 8628 §3.5). */
    public void slowDownNext() {
        slowDowns.incrementAndGet();
    }

    /** Approves a pending user code as {@code user}, like a person on the device login page. */
    public boolean approve(String userCode, EmulatedUser user) {
        DeviceCodeEntry e = pendingEntry(userCode);
        if (e == null) {
            return false;
        }
        synchronized (e) {
            e.user = user;
            e.state = CodeState.APPROVED;
        }
        addUser(user);
        return true;
    }

    public boolean decline(String userCode) {
        DeviceCodeEntry e = pendingEntry(userCode);
        if (e == null) {
            return false;
        }
        synchronized (e) {
            e.state = CodeState.DECLINED;
        }
        return true;
    }

    /** Revokes every refresh token of the user (an admin's "revoke sessions"); their use then needs a sign-in. */
    public int revokeRefreshTokens(String username) {
        int n = 0;
        for (var e : refreshTokens.entrySet()) {
            RefreshTokenEntry rt = e.getValue();
            if (rt.revokedBecause() == null && rt.user().username().equalsIgnoreCase(username)) {
                e.setValue(new RefreshTokenEntry(rt.user(), rt.clientId(), rt.scope(), rt.issuedAt(), "revoked"));
                n++;
            }
        }
        return n;
    }

    public DeviceCodeGrant lastDeviceCode() {
        return lastDeviceCode;
    }

    /** How many token requests of a grant type were answered (device code URN counted as {@code device_code}). */
    public int grantCount(String grantType) {
        AtomicInteger n = grants.get(grantType);
        return n == null ? 0 : n.get();
    }

    /** How many authorize requests were answered with a code or an error (malformed ones not counted). */
    public int authorizeAnswers() {
        return authorizeAnswers.get();
    }

    /** Every access token issued through the token endpoint, in order. */
    public List<String> issuedAccessTokens() {
        return List.copyOf(issuedAccessTokens);
    }

    /** Every refresh token issued, in order (the last one is the only valid one per sign-in chain). */
    public List<String> issuedRefreshTokens() {
        return List.copyOf(issuedRefreshTokens);
    }

    // ---- endpoints ------------------------------------------------------------------------------------------------

    private Response deviceCode(Request r) {
        String tenant = r.pathParams().get(0);
        String clientId = r.form("client_id");
        if (clientId == null || clientId.isBlank()) {
            return oauthError(400, "invalid_request", 900144, "The request body must contain: 'client_id'.", null);
        }
        String userCode = userCode();
        String deviceCode = "emu-dc-" + token(32);
        Instant expiresAt = emulator.clock().instant().plus(deviceCodeExpiresIn);
        DeviceCodeGrant grant = new DeviceCodeGrant(userCode, deviceCode, clientId, tenant, expiresAt);
        deviceCodes.put(deviceCode, new DeviceCodeEntry(grant, nz(r.form("scope"))));
        userCodes.put(userCode, deviceCode);
        lastDeviceCode = grant;
        String verification = emulator.baseUri() + "/devicelogin";
        ObjectNode o = emulator.json().createObjectNode()
                .put("user_code", userCode)
                .put("device_code", deviceCode)
                .put("verification_uri", verification)
                .put("expires_in", deviceCodeExpiresIn.toSeconds())
                .put("interval", deviceCodeIntervalSeconds)
                .put("message", "To sign in, use a web browser to open the page " + verification
                        + " and enter the code " + userCode + " to authenticate.");
        return Response.json(200, o.toString());
    }

    private Response token(Request r) throws Exception {
        String tenant = r.pathParams().get(0);
        String grantType = nz(r.form("grant_type"));
        String kind = DEVICE_CODE_URN.equals(grantType) ? "device_code" : grantType;
        Response out = switch (kind) {
            case "device_code" -> deviceCodeGrant(r);
            case "refresh_token" -> refreshTokenGrant(r);
            case "authorization_code" -> authorizationCodeGrant(r, tenant);
            case "client_credentials" -> clientCredentialsGrant(r, tenant);
            default -> oauthError(400, "unsupported_grant_type", 70003,
                    "The app requested an unsupported grant type '" + grantType + "'.", null);
        };
        grants.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
        return out;
    }

    private Response deviceCodeGrant(Request r) throws Exception {
        DeviceCodeEntry e = deviceCodes.get(nz(r.form("device_code")));
        if (e == null) {
            return oauthError(400, "invalid_grant", 70000, "The provided value for 'device_code' is not valid.",
                    null);
        }
        if (slowDowns.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return oauthError(400, "slow_down", 70022, "The client is polling too fast.", null);
        }
        EmulatedUser user;
        synchronized (e) {
            if (e.state == CodeState.REDEEMED) {
                return oauthError(400, "invalid_grant", 54005, "The device code was already redeemed.", null);
            }
            if (!emulator.clock().instant().isBefore(e.grant.expiresAt())) {
                return oauthError(400, "expired_token", 70020, "The provided device code has expired.", null);
            }
            if (e.state == CodeState.DECLINED) {
                return oauthError(400, "authorization_declined", 70019,
                        "The end user declined the authorization request.", null);
            }
            if (e.state == CodeState.PENDING) {
                return oauthError(400, "authorization_pending", 70016,
                        "The user has not yet completed authorization.", null);
            }
            e.state = CodeState.REDEEMED;
            user = e.user;
        }
        return delegatedTokens(user, e.grant.clientId(), e.scope);
    }

    private Response refreshTokenGrant(Request r) throws Exception {
        String presented = nz(r.form("refresh_token"));
        String clientId = nz(r.form("client_id"));
        Response clientError = confidentialClientCheck(r, clientId, false);
        if (clientError != null) {
            return clientError;
        }
        RefreshTokenEntry rt = refreshTokens.get(presented);
        if (rt == null || !rt.clientId().equals(clientId)) {
            return oauthError(400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.",
                    null);
        }
        if (rt.revokedBecause() != null) {
            return "superseded".equals(rt.revokedBecause())
                    ? oauthError(400, "invalid_grant", 70000,
                    "The provided grant is invalid or malformed: the refresh token was already used.", "bad_token")
                    : oauthError(400, "invalid_grant", 50173,
                    "The provided grant has expired due to it being revoked, a fresh auth token is needed.",
                    "bad_token");
        }
        if (emulator.clock().instant().isAfter(rt.issuedAt().plus(REFRESH_TOKEN_INACTIVITY))) {
            return oauthError(400, "invalid_grant", 700082,
                    "The refresh token has expired due to inactivity.", "bad_token");
        }
        // Entra replaces the refresh token on use; the emulator makes the old one fail outright.
        refreshTokens.put(presented, new RefreshTokenEntry(rt.user(), rt.clientId(), rt.scope(), rt.issuedAt(),
                "superseded"));
        String scope = r.form("scope") == null ? rt.scope() : r.form("scope");
        return delegatedTokens(rt.user(), clientId, scope);
    }

    private Response authorizationCodeGrant(Request r, String tenant) throws Exception {
        String clientId = nz(r.form("client_id"));
        Response clientError = confidentialClientCheck(r, clientId, true);
        if (clientError != null) {
            return clientError;
        }
        AuthCodeEntry code = authCodes.remove(nz(r.form("code"))); // single use
        if (code == null || !code.clientId().equals(clientId)
                || !emulator.clock().instant().isBefore(code.expiresAt())) {
            return oauthError(400, "invalid_grant", 70008,
                    "The provided authorization code is invalid, expired or already redeemed.", null);
        }
        if (!code.redirectUri().equals(r.form("redirect_uri"))) {
            return oauthError(400, "invalid_grant", 50148,
                    "The redirect_uri does not match the one used to obtain the authorization code.", null);
        }
        if (code.codeChallenge() != null && !pkceMatches(code, r.form("code_verifier"))) {
            return oauthError(400, "invalid_grant", 501481,
                    "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
                    null);
        }
        return delegatedTokens(code.user(), clientId, r.form("scope") == null ? code.scope() : r.form("scope"));
    }

    private Response clientCredentialsGrant(Request r, String tenant) throws Exception {
        String clientId = nz(r.form("client_id"));
        Response clientError = confidentialClientCheck(r, clientId, true);
        if (clientError != null) {
            return clientError;
        }
        Instant exp = emulator.clock().instant().plus(accessTokenLifetime);
        String at = issueAccessToken(new IssuedToken(tenant, null, null, clientId, true, exp));
        issuedAccessTokens.add(at);
        ObjectNode o = emulator.json().createObjectNode()
                .put("token_type", "Bearer")
                .put("expires_in", accessTokenLifetime.toSeconds())
                .put("ext_expires_in", accessTokenLifetime.toSeconds())
                .put("access_token", at);
        return Response.json(200, o.toString());
    }

    /**
     * Client authentication. A client with a registered secret or certificate must present it; a client with
     * neither registered is a public client ({@code required}: the grant is only for confidential clients).
     */
    private Response confidentialClientCheck(Request r, String clientId, boolean required) throws Exception {
        String secret = r.form("client_secret");
        String assertion = r.form("client_assertion");
        String registeredSecret = clientSecrets.get(clientId);
        X509Certificate registeredCert = clientCertificates.get(clientId);
        if (registeredSecret == null && registeredCert == null && !required) {
            return null;
        }
        if (secret != null) {
            if (registeredSecret != null && registeredSecret.equals(secret)) {
                return null;
            }
            return oauthError(401, "invalid_client", 7000215, "Invalid client secret provided.", null);
        }
        if (assertion != null) {
            if (!JWT_BEARER.equals(r.form("client_assertion_type"))) {
                return oauthError(400, "invalid_request", 50027, "client_assertion_type is not jwt-bearer.", null);
            }
            if (registeredCert == null || !assertionValid(assertion, clientId, registeredCert)) {
                return oauthError(401, "invalid_client", 700027, "Client assertion failed signature validation.",
                        null);
            }
            return null;
        }
        return oauthError(401, "invalid_client", 7000218,
                "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
                null);
    }

    /** An RS256 JWT with iss = sub = client id, signed by the registered certificate's key. */
    private boolean assertionValid(String jwt, String clientId, X509Certificate cert) throws Exception {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            return false;
        }
        JsonNode header = emulator.json().readTree(Base64.getUrlDecoder().decode(parts[0]));
        JsonNode claims = emulator.json().readTree(Base64.getUrlDecoder().decode(parts[1]));
        if (!"RS256".equals(header.path("alg").asText()) || !clientId.equals(claims.path("iss").asText())
                || !clientId.equals(claims.path("sub").asText())) {
            return false;
        }
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initVerify(cert.getPublicKey());
        s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        return s.verify(Base64.getUrlDecoder().decode(parts[2]));
    }

    private Response authorize(Request r) {
        String redirect = r.query().get("redirect_uri");
        String state = r.query().get("state");
        if (redirect == null || r.query().get("client_id") == null || !"code".equals(r.query().get("response_type"))) {
            return html(400, "<p>AADSTS900144: client_id, redirect_uri and response_type=code are required.</p>");
        }
        String mode = r.query().getOrDefault("response_mode", "query");
        if (!List.of("query", "form_post", "fragment").contains(mode)) {
            return html(400, "<p>AADSTS900144: response_mode must be query, fragment or form_post.</p>");
        }
        String challenge = r.query().get("code_challenge");
        String method = r.query().getOrDefault("code_challenge_method", "plain");
        if (challenge != null && !List.of("S256", "plain").contains(method)) {
            return html(400, "<p>AADSTS501491: Invalid size of Code_Challenge parameter or unsupported "
                    + "code_challenge_method.</p>");
        }
        EmulatedUser user = consentingUser;
        Map<String, String> params = new java.util.LinkedHashMap<>();
        if (user == null) {
            params.put("error", "access_denied");
            params.put("error_description", "AADSTS65004: User declined to consent to access the app.");
        } else {
            String code = "emu-ac-" + token(24);
            authCodes.put(code, new AuthCodeEntry(user, r.query().get("client_id"), redirect,
                    nz(r.query().get("scope")), emulator.clock().instant().plus(Duration.ofMinutes(10)), challenge,
                    challenge == null ? null : method));
            params.put("code", code);
        }
        if (state != null) {
            params.put("state", state);
        }
        if (user != null) {
            params.put("session_state", UUID.randomUUID().toString());
        }
        authorizeAnswers.incrementAndGet();
        if ("form_post".equals(mode)) {
            StringBuilder form = new StringBuilder("<!doctype html><html><head><title>Working...</title></head>"
                    + "<body><form method=\"POST\" name=\"hiddenform\" action=\"" + escape(redirect) + "\">");
            params.forEach((k, v) -> form.append("<input type=\"hidden\" name=\"").append(escape(k))
                    .append("\" value=\"").append(escape(v)).append("\" />"));
            form.append("<noscript><p>Script is disabled. Click Submit to continue.</p>"
                    + "<input type=\"submit\" value=\"Submit\" /></noscript></form>"
                    + "<script>document.forms[0].submit();</script></body></html>");
            return html(200, form.toString());
        }
        StringBuilder q = new StringBuilder();
        params.forEach((k, v) -> q.append(q.length() == 0 ? "" : "&").append(enc(k)).append('=').append(enc(v)));
        String location = "fragment".equals(mode) ? redirect + "#" + q : redirect + sep(redirect) + q;
        return new Response(302, Map.of("Location", location), "");
    }

    /** RFC 7636 §4.6: S256 compares BASE64URL(SHA-256(verifier)), plain the verifier itself. */
    private static boolean pkceMatches(AuthCodeEntry code, String verifier) {
        if (verifier == null || verifier.length() < 43 || verifier.length() > 128) {
            return false;
        }
        String computed = verifier;
        if ("S256".equals(code.codeChallengeMethod())) {
            try {
                computed = Base64.getUrlEncoder().withoutPadding().encodeToString(
                        java.security.MessageDigest.getInstance("SHA-256")
                                .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return java.security.MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII),
                code.codeChallenge().getBytes(StandardCharsets.US_ASCII));
    }

    private Response deviceLogin(Request r) {
        String userCode = nz(r.form("user_code")).strip().toUpperCase(Locale.ROOT);
        String action = nz(r.form("action"));
        String username = r.form("username");
        EmulatedUser user = username == null || username.isBlank() ? DEFAULT_USER
                : users.getOrDefault(username.toLowerCase(Locale.ROOT),
                new EmulatedUser(UUID.nameUUIDFromBytes(username.getBytes(StandardCharsets.UTF_8)).toString(),
                        username, DEFAULT_TENANT));
        boolean done = switch (action) {
            case "approve" -> approve(userCode, user);
            case "decline" -> decline(userCode);
            default -> false;
        };
        return done
                ? html(200, "<p>" + ("approve".equals(action) ? "You have signed in as " + escape(user.username())
                + ". You can close this window." : "Sign-in declined.") + "</p>")
                : html(400, loginPage("That code is unknown, expired or already used."));
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private DeviceCodeEntry pendingEntry(String userCode) {
        String dc = userCode == null ? null : userCodes.get(userCode);
        DeviceCodeEntry e = dc == null ? null : deviceCodes.get(dc);
        if (e == null || e.state != CodeState.PENDING || !emulator.clock().instant().isBefore(e.grant.expiresAt())) {
            return null;
        }
        return e;
    }

    /** The success body of a delegated grant: access, refresh and id token, client_info (MSAL needs all). */
    private Response delegatedTokens(EmulatedUser user, String clientId, String requestedScope) {
        Instant now = emulator.clock().instant();
        Instant exp = now.plus(accessTokenLifetime);
        String at = issueAccessToken(new IssuedToken(user.tenant(), user.oid(), user.username(), clientId, false, exp));
        String rt = "emu-rt-" + token(32);
        String scope = grantedScope(requestedScope);
        refreshTokens.put(rt, new RefreshTokenEntry(user, clientId, scope, now, null));
        issuedAccessTokens.add(at);
        issuedRefreshTokens.add(rt);
        ObjectNode o = emulator.json().createObjectNode()
                .put("token_type", "Bearer")
                .put("scope", scope)
                .put("expires_in", accessTokenLifetime.toSeconds())
                .put("ext_expires_in", accessTokenLifetime.toSeconds())
                .put("access_token", at)
                .put("refresh_token", rt)
                .put("id_token", idToken(user, clientId, now))
                .put("client_info", b64url("{\"uid\":\"" + user.oid() + "\",\"utid\":\"" + user.tenant() + "\"}"));
        if (refreshIn != null) {
            o.put("refresh_in", refreshIn.toSeconds());
        }
        return Response.json(200, o.toString());
    }

    /**
     * Entra grants the resource scopes asked for, in its own stable order (MSAL keys cached access tokens by it);
     * the OIDC ones are not repeated in {@code scope}.
     */
    private static String grantedScope(String requested) {
        List<String> out = new ArrayList<>();
        for (String s : nz(requested).split(" ")) {
            if (!s.isBlank() && !List.of("openid", "profile", "offline_access").contains(s)) {
                out.add(s);
            }
        }
        out.sort(String.CASE_INSENSITIVE_ORDER);
        return String.join(" ", out);
    }

    private String idToken(EmulatedUser user, String clientId, Instant now) {
        ObjectNode claims = emulator.json().createObjectNode()
                .put("aud", clientId)
                .put("iss", "https://login.microsoftonline.com/" + user.tenant() + "/v2.0")
                .put("iat", now.getEpochSecond())
                .put("nbf", now.getEpochSecond())
                .put("exp", now.plus(Duration.ofHours(1)).getEpochSecond())
                .put("name", user.username())
                .put("oid", user.oid())
                .put("preferred_username", user.username())
                .put("sub", "sub-" + user.oid())
                .put("tid", user.tenant())
                .put("ver", "2.0");
        return b64url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64url(claims.toString()) + ".";
    }

    private Response oauthError(int status, String error, int aadsts, String description, String suberror) {
        ObjectNode o = emulator.json().createObjectNode()
                .put("error", error)
                .put("error_description", "AADSTS" + aadsts + ": " + description)
                .put("timestamp", emulator.clock().instant().toString())
                .put("trace_id", UUID.randomUUID().toString())
                .put("correlation_id", UUID.randomUUID().toString());
        o.putArray("error_codes").add(aadsts);
        if (suberror != null) {
            o.put("suberror", suberror);
        }
        return Response.json(status, o.toString());
    }

    private String userCode() {
        String alphabet = "BCDFGHJKLMNPQRSTVWXZ23456789";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private String token(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String b64url(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String loginPage(String note) {
        return "<!doctype html><title>Emulated device login</title><h1>Enter code</h1><p>" + escape(note) + "</p>"
                + "<form method=post action=/devicelogin><input name=user_code placeholder=CODE>"
                + "<input name=username placeholder=" + DEFAULT_USER.username() + ">"
                + "<button name=action value=approve>Approve</button>"
                + "<button name=action value=decline>Decline</button></form>";
    }

    private static Response html(int status, String body) {
        return new Response(status, Map.of("Content-Type", "text/html; charset=utf-8"), body);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String sep(String url) {
        return url.contains("?") ? "&" : "?";
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
