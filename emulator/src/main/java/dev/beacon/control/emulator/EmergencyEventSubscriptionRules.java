package dev.beacon.control.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.control.emulator.EntraEndpoints.IssuedToken;
import dev.beacon.control.emulator.GraphEndpoints.EmulatedSubscription;
import dev.beacon.control.emulator.MicrosoftEmulator.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Graph's rules for emergency call event subscriptions
 * (https://learn.microsoft.com/en-us/graph/changenotifications-for-emergencycalls), applied by
 * {@link GraphEndpoints} to {@code communications/calls/getEmergencyEventsByPolicy(policyName='…')}:
 * application permission {@code CallEvents-Emergency.Read.All} only (a delegated token gets 403), change type
 * {@code updated}, rich notifications only ({@code includeResourceData} true), at most one day (400 beyond, on
 * create and on renewal), and one subscription per app, tenant and policy (409 on a duplicate, whatever its URL).
 */
final class EmergencyEventSubscriptionRules {

    static final Duration MAX_LIFETIME = Duration.ofDays(1);
    private static final Pattern RESOURCE = Pattern.compile(
            "/?communications/calls/getEmergencyEventsByPolicy\\(policyName='((?:[^']|'')+)'\\)",
            Pattern.CASE_INSENSITIVE);

    private EmergencyEventSubscriptionRules() {
    }

    /** The policy name of an emergency-events resource (unescaped); empty for other resources. */
    static Optional<String> policyOf(String resource) {
        Matcher m = resource == null ? null : RESOURCE.matcher(resource.strip());
        return m != null && m.matches() ? Optional.of(m.group(1).replace("''", "'")) : Optional.empty();
    }

    /** A create's problem as Graph answers it, or null (also for other resources). */
    static Response checkCreate(IssuedToken caller, JsonNode body, Instant now) {
        String resource = body.path("resource").asText();
        if (policyOf(resource).isEmpty()) {
            return null;
        }
        if (!caller.appOnly()) {
            return GraphEndpoints.error(403, "Forbidden", "Operation: Create; Exception: [Status Code: Forbidden; "
                    + "Reason: Delegated permissions are not supported for emergency call events; "
                    + "CallEvents-Emergency.Read.All application permission is required]");
        }
        if (!"updated".equals(body.path("changeType").asText())) {
            return GraphEndpoints.error(400, "InvalidRequest", "Emergency call event subscriptions support only "
                    + "the 'updated' changeType.");
        }
        if (!body.path("includeResourceData").asBoolean(false)) {
            return GraphEndpoints.error(400, "InvalidRequest", "Emergency call event subscriptions support only "
                    + "rich notifications: includeResourceData must be true.");
        }
        return checkLifetime(body.path("expirationDateTime").asText(), now);
    }

    /** A renewal's problem: beyond one day is 400; null otherwise (also for other resources). */
    static Response checkRenewal(EmulatedSubscription s, JsonNode body, Instant now) {
        if (policyOf(s.resource()).isEmpty() || !body.hasNonNull("expirationDateTime")) {
            return null;
        }
        return checkLifetime(body.get("expirationDateTime").asText(), now);
    }

    /** 409 when the app already has a subscription for the policy in the caller's tenant; else null. */
    static Response conflict(IssuedToken caller, String resource, Collection<EmulatedSubscription> existing) {
        Optional<String> policy = policyOf(resource);
        if (policy.isEmpty()) {
            return null;
        }
        for (EmulatedSubscription s : existing) {
            if (s.applicationId().equals(caller.clientId()) && caller.tenantId().equals(s.tenantId())
                    && policy.equals(policyOf(s.resource()))) {
                return GraphEndpoints.error(409, "ExtensionError", "Operation: Create; Exception: [Status Code: "
                        + "Conflict; Reason: Subscription Id " + s.id() + " already exists for the requested "
                        + "combination]");
            }
        }
        return null;
    }

    private static Response checkLifetime(String expiration, Instant now) {
        Instant requested;
        try {
            requested = OffsetDateTime.parse(expiration).toInstant();
        } catch (DateTimeParseException e) {
            return null; // the general rules answer it
        }
        if (requested.isAfter(now.plus(MAX_LIFETIME))) {
            return GraphEndpoints.error(400, "InvalidRequest", "Subscription expiration can only be 1440 minutes "
                    + "in the future for emergency call event subscriptions.");
        }
        return null;
    }
}
