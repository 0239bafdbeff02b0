package dev.beacon.job.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.contracts.records.HydrationRequestRecord;
import dev.beacon.contracts.records.LifecycleRecord;
import dev.beacon.job.audit.AuditRecord;
import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.ingest.SourceRef;
import dev.beacon.job.triage.HydrationRequest;
import dev.beacon.job.triage.LifecycleNotice;

/**
 * JSON for the job's side outputs (dead letters, audit rows, lifecycle notices, hydration requests), as written to
 * Kafka and to JSON Lines files. Field names follow the SQL columns in snake_case, except that a record's position
 * is {@code source, partition, offset, item_index} everywhere. Lifecycle notices and hydration requests are the
 * control plane's input, so their JSON is the contract's ({@code dev.beacon.contracts.records}). Facts have their
 * own mapper, {@link FactJson}.
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
     * The notice as the contract's {@link LifecycleRecord}, with the Graph notification item embedded as JSON under
     * {@code notification}. Triage already removed {@code clientState}; an item that is not valid JSON is kept as a
     * string rather than dropped.
     */
    public static ObjectNode lifecycle(LifecycleNotice l, ObjectMapper m) {
        return contract(l, m).toJson(m);
    }

    /** The request as the contract's {@link HydrationRequestRecord}, which the control plane reads. */
    public static ObjectNode hydration(HydrationRequest h, ObjectMapper m) {
        return contract(h).toJson(m);
    }

    static LifecycleRecord contract(LifecycleNotice l, ObjectMapper m) {
        SourceRef s = l.source();
        return new LifecycleRecord(s == null ? null : s.source(), s == null ? -1 : s.partition(),
                s == null ? -1 : s.offset(), s == null ? -1 : s.itemIndex(), l.subscriptionId(), l.tenantId(),
                l.lifecycleEvent(), LifecycleRecord.embed(l.json(), m));
    }

    static HydrationRequestRecord contract(HydrationRequest h) {
        SourceRef s = h.source();
        return new HydrationRequestRecord(s == null ? null : s.source(), s == null ? -1 : s.partition(),
                s == null ? -1 : s.offset(), s == null ? -1 : s.itemIndex(), h.subscriptionId(), h.tenantId(),
                h.changeType(), h.resource(), h.chatId(), h.messageId());
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
}
