package dev.beacon.job.sink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.job.audit.AuditRecord;
import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.ingest.SourceRef;
import dev.beacon.job.triage.HydrationRequest;
import dev.beacon.job.triage.LifecycleNotice;

/**
 * JSON for the job's side outputs (dead letters, audit rows, lifecycle notices, hydration requests), as written to
 * Kafka and to JSON Lines files. Field names follow the SQL columns in snake_case, except that a record's position
 * is {@code source, partition, offset, item_index} everywhere. Facts have their own mapper, {@link FactJson}.
 */
public final class RecordJson {

    private RecordJson() {}

    public static ObjectNode deadLetter(DeadLetter d, ObjectMapper m) {
        ObjectNode n = m.createObjectNode();
        putSource(n, d.source());
        n.put("reason", d.reason() == null ? null : d.reason().label());
        n.put("detail", d.detail());
        n.put("raw", d.raw());
        n.put("raw_truncated", d.rawTruncated());
        n.put("failed_at", FactJson.iso(d.failedAtMillis()));
        return n;
    }

    public static ObjectNode audit(AuditRecord a, ObjectMapper m) {
        ObjectNode n = m.createObjectNode();
        putSource(n, a.source());
        n.put("tenant_id", a.tenantId());
        n.put("subscription_id", a.subscriptionId());
        n.put("change_type", a.changeType());
        n.put("chat_id", a.chatId());
        n.put("message_id", a.messageId());
        n.put("outcome", a.outcome() == null ? null : a.outcome().label());
        n.put("reason", a.reason());
        n.put("fact_id", a.factId());
        n.put("processed_at", FactJson.iso(a.processedAtMillis()));
        if (a.ingestLatencyMillis() >= 0) {
            n.put("ingest_latency_ms", a.ingestLatencyMillis());
        } else {
            n.putNull("ingest_latency_ms");
        }
        return n;
    }

    /**
     * The notice with the Graph notification item embedded as JSON under {@code notification}. Triage already
     * removed {@code clientState}; an item that is not valid JSON is kept as a string rather than dropped.
     */
    public static ObjectNode lifecycle(LifecycleNotice l, ObjectMapper m) {
        ObjectNode n = m.createObjectNode();
        putSource(n, l.source());
        n.put("subscription_id", l.subscriptionId());
        n.put("tenant_id", l.tenantId());
        n.put("lifecycle_event", l.lifecycleEvent());
        n.set("notification", embed(l.json(), m));
        return n;
    }

    public static ObjectNode hydration(HydrationRequest h, ObjectMapper m) {
        ObjectNode n = m.createObjectNode();
        putSource(n, h.source());
        n.put("subscription_id", h.subscriptionId());
        n.put("tenant_id", h.tenantId());
        n.put("change_type", h.changeType());
        n.put("resource", h.resource());
        n.put("chat_id", h.chatId());
        n.put("message_id", h.messageId());
        return n;
    }

    private static void putSource(ObjectNode n, SourceRef s) {
        if (s == null) {
            n.putNull("source");
            n.putNull("partition");
            n.putNull("offset");
            n.putNull("item_index");
            return;
        }
        n.put("source", s.source());
        n.put("partition", s.partition());
        n.put("offset", s.offset());
        n.put("item_index", s.itemIndex());
    }

    private static JsonNode embed(String json, ObjectMapper m) {
        if (json == null) {
            return m.nullNode();
        }
        try {
            JsonNode parsed = m.readTree(json);
            return parsed == null ? m.getNodeFactory().textNode(json) : parsed;
        } catch (JsonProcessingException e) {
            return m.getNodeFactory().textNode(json);
        }
    }
}
