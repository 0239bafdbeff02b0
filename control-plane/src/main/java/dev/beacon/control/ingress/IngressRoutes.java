package dev.beacon.control.ingress;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The public URLs of an integration's webhook routes, for subscriptions delivered to the ingress:
 * {@code <public url>/webhooks/graph/<integration>} and {@code .../lifecycle}. The public URL
 * ({@code BEACON_INGRESS_PUBLIC_URL} or {@code beaconctl integrations add --ingress-url}) is what Graph reaches,
 * e.g. a load balancer in front of the ingress; Graph requires https.
 */
public final class IngressRoutes {

    /** The notification URL value that means "this integration's route on the ingress". */
    public static final String SHORTHAND = "ingress";

    private static final Pattern INTEGRATION = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    private IngressRoutes() {}

    public static String notificationUrl(URI publicUrl, String integration) {
        return base(publicUrl) + "/webhooks/graph/" + checked(integration);
    }

    public static String lifecycleUrl(URI publicUrl, String integration) {
        return notificationUrl(publicUrl, integration) + "/lifecycle";
    }

    /**
     * {@code BEACON_INGRESS_PUBLIC_URL}, checked to be an https URL (http only to this machine, for local runs)
     * without user info, query or fragment.
     */
    public static Optional<URI> publicUrl(Map<String, String> env) {
        String v = env.get("BEACON_INGRESS_PUBLIC_URL");
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(checkedPublicUrl(v.strip()));
    }

    public static URI checkedPublicUrl(String s) {
        URI u;
        try {
            u = URI.create(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the ingress public URL is not a URL: " + e.getMessage());
        }
        boolean scheme = "https".equals(u.getScheme()) || "http".equals(u.getScheme()) && isLoopback(u.getHost());
        if (!scheme || u.getHost() == null || u.getRawUserInfo() != null
                || u.getRawQuery() != null || u.getRawFragment() != null) {
            throw new IllegalArgumentException("the ingress public URL must be https://host[:port][/path] "
                    + "(Graph delivers to https only; http only to localhost), got '" + s + "'");
        }
        return u;
    }

    /** localhost, 127.x.y.z or [::1]: plain http is accepted there (local runs against the emulator). */
    public static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(java.util.Locale.ROOT);
        return h.equals("localhost") || h.equals("[::1]") || h.equals("::1")
                || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    private static String base(URI publicUrl) {
        return publicUrl.toString().replaceAll("/+$", "");
    }

    private static String checked(String integration) {
        if (integration == null || !INTEGRATION.matcher(integration).matches()) {
            throw new IllegalArgumentException("an integration routed to the ingress needs an id matching "
                    + INTEGRATION.pattern() + ", got '" + integration + "'");
        }
        return integration;
    }
}
