package dev.beacon.control.hydration;

import dev.beacon.control.store.Sql;
import java.time.Clock;

/** {@code hydration_outcome}: messages Graph no longer had (404) or would not give us (403). Idempotent upserts. */
public final class HydrationOutcomes {

    public static final String DELETED = "deleted";
    public static final String FORBIDDEN = "forbidden";

    private final Sql sql;
    private final Clock clock;

    public HydrationOutcomes(Sql sql, Clock clock) {
        this.sql = sql;
        this.clock = clock;
    }

    /** Records (or updates) the outcome of one message; a replayed request rewrites the same row. */
    void record(HydrationTarget target, String chatId, String messageId, String subscriptionId, String tenantId,
                String outcome, int graphStatus) {
        sql.update("INSERT INTO hydration_outcome (integration_id, chat_id, message_id, subscription_id, tenant_id, "
                        + "outcome, graph_status, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT (integration_id, chat_id, message_id) DO UPDATE SET "
                        + "subscription_id = EXCLUDED.subscription_id, tenant_id = EXCLUDED.tenant_id, "
                        + "outcome = EXCLUDED.outcome, graph_status = EXCLUDED.graph_status, "
                        + "recorded_at = EXCLUDED.recorded_at",
                target.integrationId(), chatId, messageId, subscriptionId, tenantId, outcome, graphStatus,
                clock.instant());
    }
}
