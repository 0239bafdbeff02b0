package dev.beacon.control.alerts;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One alert to send on one route: the first of a call ({@code update} false) or an update on a new revision.
 *
 * @param alertId       the call's alert on this route (the same for every update, also across a supersede)
 * @param lines         what the alert shows ({@link AlertSummary#lines})
 * @param changes       for an update, what changed since the call's last alert
 * @param rootMessageId e-mail: the first message's Message-ID (threading); null for the first alert
 * @param rootSubject   e-mail: the first message's subject; null for the first alert
 */
public record Alert(UUID alertId, AlertFact fact, boolean update, String title, Map<String, String> lines,
                    List<AlertSummary.Change> changes, String rootMessageId, String rootSubject) {

    public Instant detectedAt() {
        return fact.detectedAt();
    }
}
