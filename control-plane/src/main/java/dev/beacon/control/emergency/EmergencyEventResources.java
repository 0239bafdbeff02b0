package dev.beacon.control.emergency;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Graph resource of emergency call events for one Teams emergency calling policy,
 * {@code communications/calls/getEmergencyEventsByPolicy(policyName='<name>')}
 * (https://learn.microsoft.com/en-us/graph/changenotifications-for-emergencycalls), and the way back from a
 * subscription's resource to its policy (status and {@code subscriptions list} show it).
 *
 * <p>The name is an OData string literal: a single quote inside it is doubled, as OData requires.
 */
public final class EmergencyEventResources {

    /** The only change type Graph offers on this resource. */
    public static final String CHANGE_TYPE = "updated";
    /** Graph's maximum lifetime for these subscriptions: one day. */
    public static final int MAX_LIFETIME_MINUTES = 24 * 60;

    private static final String PREFIX = "communications/calls/getEmergencyEventsByPolicy(policyName='";
    private static final Pattern RESOURCE = Pattern.compile(
            "/?communications/calls/getEmergencyEventsByPolicy\\(policyName='((?:[^']|'')*)'\\)",
            Pattern.CASE_INSENSITIVE);

    private EmergencyEventResources() {
    }

    /** The resource for {@code policyName} (quotes escaped). */
    public static String resource(String policyName) {
        return PREFIX + checkedName(policyName).replace("'", "''") + "')";
    }

    /** The policy of an emergency-events resource, unescaped; empty for any other resource. */
    public static Optional<String> policyOf(String resource) {
        if (resource == null) {
            return Optional.empty();
        }
        Matcher m = RESOURCE.matcher(resource.strip());
        return m.matches() ? Optional.of(m.group(1).replace("''", "'")) : Optional.empty();
    }

    public static boolean isEmergencyResource(String resource) {
        return policyOf(resource).isPresent();
    }

    /**
     * A policy name as ops may give it: 1..256 characters, no control characters (it ends up in a URL path and in
     * logs), surrounding whitespace removed.
     */
    public static String checkedName(String policyName) {
        String n = policyName == null ? "" : policyName.strip();
        if (n.isEmpty() || n.length() > 256 || n.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("an emergency policy name must be 1..256 printable characters");
        }
        return n;
    }
}
