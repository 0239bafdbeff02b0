package dev.beacon.control.alerts;

import dev.beacon.control.store.Sql;
import dev.beacon.control.vault.SealPurpose;
import dev.beacon.control.vault.SealedBox;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Alert routes in PostgreSQL ({@code alert_route}). Webhook and Teams URLs and webhook secrets are sealed in the
 * vault before they are stored, like client secrets; only {@link #target} (opened for sending) sees them.
 */
public final class AlertRouteStore {

    private static final String COLUMNS = "route_id, integration_id, channel, calls, target_redacted, recipients, "
            + "failing_since, failing_detail, created_at";
    private static final Pattern ROUTE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s,<>\"]{1,64}@[A-Za-z0-9.-]{1,253}");
    private static final int MAX_URL = 2048;

    /** A route with what sending needs: the opened URL and secret (never logged, never returned by the API). */
    public record Target(AlertRoute route, String url, byte[] secret) {}

    private final Sql sql;
    private final SealedBox vault;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public AlertRouteStore(Sql sql, SealedBox vault, Clock clock) {
        this.sql = sql;
        this.vault = vault;
        this.clock = clock;
    }

    /**
     * Adds a route to an existing integration.
     *
     * @throws IllegalArgumentException for invalid input (the message never quotes a URL or secret)
     */
    public AddedAlertRoute add(String integrationId, NewAlertRoute r) {
        if (r.route() == null || !ROUTE_ID.matcher(r.route()).matches()) {
            throw new IllegalArgumentException("route must be 1-64 letters, digits, '.', '_' or '-'");
        }
        AlertChannel channel = AlertChannel.of(r.channel() == null ? "" : r.channel());
        CallScope calls = r.calls() == null ? CallScope.REAL : CallScope.of(r.calls());
        byte[] urlSealed = null;
        byte[] secretSealed = null;
        String generated = null;
        String[] recipients = null;
        String redacted;
        if (channel == AlertChannel.EMAIL) {
            if (r.url() != null || r.secret() != null) {
                throw new IllegalArgumentException("an email route takes recipients, not a url or secret");
            }
            if (r.recipients() == null || r.recipients().isEmpty() || r.recipients().size() > 50) {
                throw new IllegalArgumentException("an email route needs 1-50 recipients");
            }
            for (String to : r.recipients()) {
                if (to == null || !EMAIL.matcher(to).matches()) {
                    throw new IllegalArgumentException("recipients must be plain addresses like ops@example.com");
                }
            }
            recipients = r.recipients().toArray(String[]::new);
            redacted = String.join(", ", r.recipients());
            if (redacted.length() > 512) {
                throw new IllegalArgumentException("recipients are too long together (512 characters at most)");
            }
        } else {
            if (r.recipients() != null) {
                throw new IllegalArgumentException("a " + channel.dbValue() + " route takes a url, not recipients");
            }
            URI url = validUrl(r.url());
            redacted = redact(url);
            urlSealed = vault.seal(r.url().getBytes(StandardCharsets.UTF_8), SealPurpose.alertRouteUrl(r.route()));
            if (channel == AlertChannel.WEBHOOK) {
                String secret = r.secret();
                if (secret == null) {
                    byte[] b = new byte[32];
                    random.nextBytes(b);
                    secret = generated = HexFormat.of().formatHex(b);
                } else if (secret.length() < 16 || secret.length() > 512) {
                    throw new IllegalArgumentException("a webhook secret must be 16-512 characters");
                }
                secretSealed = vault.seal(secret.getBytes(StandardCharsets.UTF_8),
                        SealPurpose.alertRouteSecret(r.route()));
            } else if (r.secret() != null) {
                throw new IllegalArgumentException("a teams route takes no secret (its URL is the secret)");
            }
        }
        if (sql.queryOne("SELECT 1 FROM integration WHERE integration_id = ?", rs -> 1, integrationId).isEmpty()) {
            throw new java.util.NoSuchElementException("no integration '" + integrationId + "'");
        }
        if (get(r.route()).isPresent()) {
            throw new IllegalArgumentException("route '" + r.route() + "' exists; remove it first");
        }
        sql.update("INSERT INTO alert_route (route_id, integration_id, channel, calls, target_redacted, url_sealed, "
                        + "secret_sealed, recipients, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                r.route(), integrationId, channel.dbValue(), calls.dbValue(), redacted, urlSealed, secretSealed,
                recipients, clock.instant());
        return new AddedAlertRoute(get(r.route()).orElseThrow(), generated);
    }

    public Optional<AlertRoute> get(String routeId) {
        return sql.queryOne("SELECT " + COLUMNS + " FROM alert_route WHERE route_id = ?", AlertRouteStore::route,
                routeId);
    }

    /** Routes, optionally of one integration only. */
    public List<AlertRoute> list(String integrationId) {
        return integrationId == null
                ? sql.query("SELECT " + COLUMNS + " FROM alert_route ORDER BY route_id", AlertRouteStore::route)
                : sql.query("SELECT " + COLUMNS + " FROM alert_route WHERE integration_id = ? ORDER BY route_id",
                        AlertRouteStore::route, integrationId);
    }

    public boolean remove(String integrationId, String routeId) {
        return sql.update("DELETE FROM alert_route WHERE integration_id = ? AND route_id = ?", integrationId,
                routeId) == 1;
    }

    /** The routes of every integration of the fact's tenant, in route order. */
    public List<AlertRoute> forTenant(String tenantId) {
        return sql.query("SELECT " + prefixed() + " FROM alert_route r JOIN integration i USING (integration_id) "
                + "WHERE i.tenant_id = ? ORDER BY r.route_id", AlertRouteStore::route, tenantId);
    }

    /** The route with its opened URL and secret, for sending only. */
    public Target target(AlertRoute route) {
        return sql.queryOne("SELECT url_sealed, secret_sealed FROM alert_route WHERE route_id = ?", rs -> {
            byte[] url = rs.getBytes(1);
            byte[] secret = rs.getBytes(2);
            return new Target(route,
                    url == null ? null : new String(vault.open(url, SealPurpose.alertRouteUrl(route.routeId())),
                            StandardCharsets.UTF_8),
                    secret == null ? null : vault.open(secret, SealPurpose.alertRouteSecret(route.routeId())));
        }, route.routeId()).orElseThrow(() -> new java.util.NoSuchElementException("route removed"));
    }

    /** Marks the route as failing; true if it was not already (so the caller logs once). */
    public boolean markFailing(String routeId, String detail) {
        return sql.update("UPDATE alert_route SET failing_since = ?, failing_detail = ? "
                + "WHERE route_id = ? AND failing_since IS NULL", clock.instant(), detail, routeId) == 1;
    }

    /** Clears the failing mark; true if it was set (so the caller logs the recovery once). */
    public boolean markWorking(String routeId) {
        return sql.update("UPDATE alert_route SET failing_since = NULL, failing_detail = NULL "
                + "WHERE route_id = ? AND failing_since IS NOT NULL", routeId) == 1;
    }

    /** https, or http to a loopback host (tests, local demo); no user info. */
    static URI validUrl(String url) {
        if (url == null || url.isBlank() || url.length() > MAX_URL) {
            throw new IllegalArgumentException("a url of at most " + MAX_URL + " characters is required");
        }
        URI u;
        try {
            u = URI.create(url.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the url is not a valid URI");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (u.getHost() == null || u.getUserInfo() != null) {
            throw new IllegalArgumentException("the url needs a host and no user info");
        }
        boolean loopback = u.getHost().equals("localhost") || u.getHost().startsWith("127.")
                || u.getHost().equals("[::1]");
        if (!scheme.equals("https") && !(scheme.equals("http") && loopback)) {
            throw new IllegalArgumentException("the url must be https (http only to localhost)");
        }
        return u;
    }

    /** Scheme and host only: a Teams URL's path and query are its credentials, a webhook's may be too. */
    static String redact(URI u) {
        return u.getScheme().toLowerCase(Locale.ROOT) + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort())
                + "/…";
    }

    private static String prefixed() {
        return Arrays.stream(COLUMNS.split(", ")).map(c -> "r." + c).reduce((a, b) -> a + ", " + b).orElseThrow();
    }

    private static AlertRoute route(ResultSet rs) throws SQLException {
        Array a = rs.getArray("recipients");
        List<String> recipients = a == null ? null : List.of((String[]) a.getArray());
        Instant failing = Sql.instant(rs, "failing_since");
        return new AlertRoute(rs.getString("route_id"), rs.getString("integration_id"), rs.getString("channel"),
                rs.getString("calls"), rs.getString("target_redacted"), recipients, failing,
                rs.getString("failing_detail"), Sql.instant(rs, "created_at"));
    }
}
