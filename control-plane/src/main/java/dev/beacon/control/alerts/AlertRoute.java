package dev.beacon.control.alerts;

import java.time.Instant;
import java.util.List;

/**
 * A route as the API and CLI show it: never the sealed URL or secret, only {@code target} (a redacted URL or the
 * e-mail recipients).
 *
 * @param failingSince when its deliveries started to be given up (null while it works)
 */
public record AlertRoute(String routeId, String integrationId, String channel, String calls, String target,
                         List<String> recipients, Instant failingSince, String failingDetail, Instant createdAt) {

    public AlertChannel channelKind() {
        return AlertChannel.of(channel);
    }

    public CallScope scope() {
        return CallScope.of(calls);
    }
}
