package dev.beacon.control.http;

import dev.beacon.control.backfill.BackfillUsers;
import dev.beacon.control.ops.BackfillUsersRequest;
import dev.beacon.control.ops.DesiredSubscriptionView;
import dev.beacon.control.ops.EmergencyPoliciesRequest;
import dev.beacon.control.ops.NewIntegration;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Shape checks of admin API request bodies and path ids, before anything is stored: lengths, character sets and
 * formats of every field. A failure is an {@link IllegalArgumentException} (400) naming the field and the rule,
 * never the value (a value may be a secret, or 900 KB). What needs the database (duplicates, auth-mode rules) stays
 * with the operations.
 */
public final class RequestValidation {

    private RequestValidation() {
    }

    /** Integration ids are DNS-label slugs: they appear in callback URLs, Kafka keys and logs. */
    public static final Pattern INTEGRATION_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    static final Pattern GUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** A verified domain: at least two DNS labels, e.g. contoso.com or contoso.onmicrosoft.com. */
    static final Pattern DOMAIN = Pattern.compile(
            "(?=.{4,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)+[a-zA-Z]{2,63}");
    /** Graph subscription ids are GUIDs; the emulator's and older ones are short tokens of the same alphabet. */
    static final Pattern SUBSCRIPTION_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,99}");
    static final Pattern CHANGE_TYPES = Pattern.compile("[a-z]+(,[a-z]+){0,3}");

    public static final int MAX_DISPLAY_NAME = 200;
    public static final int MAX_RESOURCE = 1000;
    public static final int MAX_URL = 2048;
    /** Base64 of a PKCS12 with a chain: a few KB; 64 KB leaves room without letting a body grow without bound. */
    public static final int MAX_CREDENTIAL = 64 * 1024;
    public static final int MAX_PASSWORD = 1024;
    public static final int MAX_SUBSCRIPTIONS = 50;
    public static final int MAX_POLICIES = 100;
    public static final int MAX_POLICY_NAME = 256;

    /** Every field of a {@link NewIntegration}. */
    public static NewIntegration check(NewIntegration r) {
        integrationId("id", r.id());
        optionalText("displayName", r.displayName(), MAX_DISPLAY_NAME);
        tenantId(r.tenantId());
        guid("clientId", r.clientId());
        oneOf("authMode", r.authMode(), true, "device-code", "auth-code", "client-credentials");
        oneOf("credentialKind", r.credentialKind(), true, "secret", "certificate");
        length("credential", r.credential(), MAX_CREDENTIAL);
        length("credentialPassword", r.credentialPassword(), MAX_PASSWORD);
        List<DesiredSubscriptionView> subs = r.subscriptions() == null ? List.of() : r.subscriptions();
        if (subs.size() > MAX_SUBSCRIPTIONS) {
            throw new IllegalArgumentException("subscriptions: at most " + MAX_SUBSCRIPTIONS + " entries");
        }
        for (int i = 0; i < subs.size(); i++) {
            desired("subscriptions[" + i + "]", subs.get(i));
        }
        policies("emergencyPolicies", r.emergencyPolicies());
        backfillUsers("backfillUsers", r.backfillUsers());
        return r;
    }

    public static BackfillUsersRequest check(BackfillUsersRequest r) {
        if (r.users() == null) {
            throw new IllegalArgumentException("users is required (an empty list removes them all)");
        }
        backfillUsers("users", r.users());
        return r;
    }

    public static EmergencyPoliciesRequest check(EmergencyPoliciesRequest r) {
        policies("policies", r.policies());
        return r;
    }

    /** An integration id from a path or body. */
    public static String integrationId(String field, String id) {
        required(field, id);
        if (!INTEGRATION_ID.matcher(id).matches()) {
            throw new IllegalArgumentException(field + " must be lower-case letters, digits and '-', 1 to 63 "
                    + "characters, starting with a letter or digit");
        }
        return id;
    }

    /** A subscription id from a path. */
    public static String subscriptionId(String field, String id) {
        required(field, id);
        if (!SUBSCRIPTION_ID.matcher(id).matches()) {
            throw new IllegalArgumentException(field + " must be a Graph subscription id (letters, digits and '-', "
                    + "at most 100 characters)");
        }
        return id;
    }

    static void tenantId(String tenant) {
        required("tenantId", tenant);
        if (!GUID.matcher(tenant).matches() && !DOMAIN.matcher(tenant).matches()) {
            throw new IllegalArgumentException("tenantId must be a tenant GUID or a verified domain such as "
                    + "contoso.onmicrosoft.com");
        }
        String lower = tenant.toLowerCase(Locale.ROOT);
        if (lower.equals("common") || lower.equals("organizations") || lower.equals("consumers")) {
            throw new IllegalArgumentException("tenantId must name one tenant, not '" + lower + "'");
        }
    }

    private static void desired(String field, DesiredSubscriptionView d) {
        if (d == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        optionalText(field + ".resource", d.resource(), MAX_RESOURCE);
        if (d.changeTypes() != null && !d.changeTypes().isBlank()
                && !CHANGE_TYPES.matcher(d.changeTypes()).matches()) {
            throw new IllegalArgumentException(field + ".changeTypes must be a comma-separated list such as "
                    + "created,updated");
        }
        url(field + ".notificationUrl", d.notificationUrl());
        url(field + ".lifecycleNotificationUrl", d.lifecycleNotificationUrl());
        if (d.lifetimeMinutes() != null && (d.lifetimeMinutes() < 45 || d.lifetimeMinutes() > 4320)) {
            throw new IllegalArgumentException(field + ".lifetimeMinutes must be 45..4320");
        }
    }

    /**
     * An http(s) URL, Graph's {@code EventHub:https://…} form, or the {@code ingress} shorthand; the operations check
     * where it may point.
     */
    private static void url(String field, String url) {
        if (url == null || url.isBlank() || url.strip().equalsIgnoreCase("ingress")) {
            return;
        }
        length(field, url, MAX_URL);
        String target = url.strip();
        if (target.regionMatches(true, 0, "EventHub:", 0, 9)) {
            target = target.substring(9);
        }
        try {
            URI u = new URI(target);
            if (!("https".equalsIgnoreCase(u.getScheme()) || "http".equalsIgnoreCase(u.getScheme()))
                    || u.getHost() == null) {
                throw new IllegalArgumentException(field + " must be an http(s) URL, EventHub:https://… or 'ingress'");
            }
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(field + " must be an http(s) URL, EventHub:https://… or 'ingress'");
        }
    }

    private static void policies(String field, List<String> policies) {
        if (policies == null) {
            return;
        }
        if (policies.size() > MAX_POLICIES) {
            throw new IllegalArgumentException(field + ": at most " + MAX_POLICIES + " entries");
        }
        for (int i = 0; i < policies.size(); i++) {
            String p = policies.get(i);
            required(field + "[" + i + "]", p);
            optionalText(field + "[" + i + "]", p, MAX_POLICY_NAME);
        }
    }

    /** Entra object ids or UPNs ({@link BackfillUsers#problem}), at most {@link BackfillUsers#MAX_USERS}. */
    private static void backfillUsers(String field, List<String> users) {
        if (users == null) {
            return;
        }
        if (users.size() > BackfillUsers.MAX_USERS) {
            throw new IllegalArgumentException(field + ": at most " + BackfillUsers.MAX_USERS + " entries");
        }
        for (int i = 0; i < users.size(); i++) {
            String problem = BackfillUsers.problem(users.get(i));
            if (problem != null) {
                throw new IllegalArgumentException(field + "[" + i + "] " + problem);
            }
        }
    }

    private static void guid(String field, String value) {
        required(field, value);
        if (!GUID.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " must be a GUID (the app registration's application id)");
        }
    }

    private static void oneOf(String field, String value, boolean optional, String... allowed) {
        if (value == null && optional) {
            return;
        }
        if (value == null || !List.of(allowed).contains(value)) {
            throw new IllegalArgumentException(field + " must be one of " + String.join(", ", allowed));
        }
    }

    /** Free text shown to people: bounded, and no control characters (they forge log lines and break tables). */
    private static void optionalText(String field, String value, int max) {
        if (value == null) {
            return;
        }
        length(field, value, max);
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(field + " must not contain control characters");
        }
    }

    private static void length(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw new IllegalArgumentException(field + " is longer than " + max + " characters");
        }
    }

    private static void required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
    }
}
