package dev.beacon.control.emergency;

import java.util.Map;
import java.util.Set;

/**
 * Which Graph version emergency-call-event subscriptions are managed through: {@code beta} (default; the API is
 * beta-only as of this writing) or {@code v1.0} (once Microsoft makes it generally available), from
 * {@value #SETTING}. Chat subscriptions stay on v1.0 either way.
 */
public final class EmergencyEventsApi {

    public static final String SETTING = "BEACON_EMERGENCY_EVENTS_API_VERSION";
    public static final String DEFAULT_VERSION = "beta";
    private static final Set<String> VERSIONS = Set.of("beta", "v1.0");

    private EmergencyEventsApi() {
    }

    /**
     * The configured version.
     *
     * @throws IllegalArgumentException naming {@value #SETTING} when it is neither {@code beta} nor {@code v1.0}
     */
    public static String version(Map<String, String> env) {
        String v = env.get(SETTING);
        if (v == null || v.isBlank()) {
            return DEFAULT_VERSION;
        }
        String s = v.strip();
        if (!VERSIONS.contains(s)) {
            throw new IllegalArgumentException(SETTING + " must be 'beta' or 'v1.0'");
        }
        return s;
    }
}
