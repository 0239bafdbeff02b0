package dev.beacon.control.subscriptions;

import dev.beacon.control.ingress.IngressRoutes;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where Graph delivers notifications (a subscription's {@code notificationUrl} or {@code lifecycleNotificationUrl}),
 * checked before anything is sent to Graph so a typo is a clear message instead of Graph's generic 400:
 * <ul>
 *   <li>Event Hubs, RBAC: {@code EventHub:https://<ns>.servicebus.windows.net/eventhubname/<hub>?tenantId=<domain>};</li>
 *   <li>Event Hubs, Key Vault: {@code EventHub:https://<vault>.vault.azure.net/secrets/<secret>?tenantId=<domain>};</li>
 *   <li>Event Grid partner topic: {@code EventGrid:?azuresubscriptionid=…&resourcegroup=…&partnertopic=…&location=…};</li>
 *   <li>a webhook: {@code https://host/path}; plain {@code http://} only to this machine (localhost, 127.x, [::1]),
 *       for local runs against the emulator (Graph refuses it).</li>
 * </ul>
 *
 * @param target for Event Hubs the hub (RBAC) or secret name (Key Vault); for Event Grid the partner topic;
 *               for a webhook the host
 * @param tenant the {@code tenantId} domain (Event Hubs) or Azure subscription id (Event Grid); null for webhooks
 */
public record DeliveryTarget(Kind kind, String url, String host, String target, String tenant) {

    public enum Kind { EVENT_HUB, EVENT_HUB_KEY_VAULT, EVENT_GRID, WEBHOOK }

    private static final Pattern SERVICE_BUS_HOST =
            Pattern.compile("[a-z0-9][a-z0-9-]{0,62}\\.servicebus\\.(windows\\.net|chinacloudapi\\.cn|usgovcloudapi\\.net)");
    private static final Pattern VAULT_HOST =
            Pattern.compile("[a-z0-9][a-z0-9-]{1,22}\\.vault\\.(azure\\.net|azure\\.cn|usgovcloudapi\\.net)");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final List<String> EVENT_GRID_PARAMS =
            List.of("azuresubscriptionid", "resourcegroup", "partnertopic", "location");

    /** @throws IllegalArgumentException with what is wrong and which forms are accepted */
    public static DeliveryTarget parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("notification URL is empty");
        }
        String u = url.strip();
        if (u.regionMatches(true, 0, "EventHub:", 0, 9)) {
            return eventHub(u, u.substring(9));
        }
        if (u.regionMatches(true, 0, "EventGrid:", 0, 10)) {
            return eventGrid(u, u.substring(10));
        }
        if (u.regionMatches(true, 0, "https://", 0, 8)) {
            URI uri = uri(u);
            if (uri.getHost() == null || uri.getRawUserInfo() != null) {
                throw bad(u, "a webhook needs https://host/path without user info");
            }
            return new DeliveryTarget(Kind.WEBHOOK, u, uri.getHost().toLowerCase(Locale.ROOT), uri.getHost(), null);
        }
        if (u.regionMatches(true, 0, "http://", 0, 7)) {
            URI uri = uri(u);
            if (IngressRoutes.isLoopback(uri.getHost()) && uri.getRawUserInfo() == null) {
                return new DeliveryTarget(Kind.WEBHOOK, u, uri.getHost().toLowerCase(Locale.ROOT), uri.getHost(),
                        null);
            }
        }
        throw bad(u, "expected EventHub:https://…, EventGrid:?… or an https:// webhook");
    }

    private static DeliveryTarget eventHub(String original, String rest) {
        if (!rest.startsWith("https://")) {
            throw bad(original, "an EventHub: URL continues with https://");
        }
        URI uri = uri(rest);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        String tenant = query(uri.getRawQuery()).get("tenantId");
        if (tenant == null || tenant.isBlank()) {
            throw bad(original, "an EventHub: URL needs ?tenantId=<domain> (the tenant's primary domain)");
        }
        String[] path = uri.getPath() == null ? new String[0] : uri.getPath().replaceAll("^/|/$", "").split("/");
        if (SERVICE_BUS_HOST.matcher(host).matches()) {
            if (path.length != 2 || !path[0].equals("eventhubname") || !NAME.matcher(path[1]).matches()) {
                throw bad(original, "an Event Hubs URL is https://<namespace>.servicebus.windows.net/eventhubname/<hub>");
            }
            return new DeliveryTarget(Kind.EVENT_HUB, original, host, path[1], tenant);
        }
        if (VAULT_HOST.matcher(host).matches()) {
            if (path.length != 2 || !path[0].equals("secrets") || !NAME.matcher(path[1]).matches()) {
                throw bad(original, "a Key Vault URL is https://<vault>.vault.azure.net/secrets/<secret>");
            }
            return new DeliveryTarget(Kind.EVENT_HUB_KEY_VAULT, original, host, path[1], tenant);
        }
        throw bad(original, "the host must be <namespace>.servicebus.windows.net or <vault>.vault.azure.net");
    }

    private static DeliveryTarget eventGrid(String original, String rest) {
        if (!rest.startsWith("?")) {
            throw bad(original, "an EventGrid: URL is EventGrid:?azuresubscriptionid=…&resourcegroup=…"
                    + "&partnertopic=…&location=…");
        }
        Map<String, String> q = query(rest.substring(1));
        Map<String, String> lower = new LinkedHashMap<>();
        q.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        for (String p : EVENT_GRID_PARAMS) {
            if (lower.get(p) == null || lower.get(p).isBlank()) {
                throw bad(original, "an EventGrid: URL needs " + p + "=…");
            }
        }
        return new DeliveryTarget(Kind.EVENT_GRID, original, null, lower.get("partnertopic"),
                lower.get("azuresubscriptionid"));
    }

    private static URI uri(String s) {
        try {
            return new URI(s);
        } catch (URISyntaxException e) {
            throw bad(s, "not a valid URL (" + e.getReason() + ")");
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }

    private static IllegalArgumentException bad(String url, String why) {
        return new IllegalArgumentException("invalid notification URL '" + url + "': " + why);
    }
}
