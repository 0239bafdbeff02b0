package dev.beacon.job.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.contracts.records.HydrationRequestRecord;
import dev.beacon.contracts.records.LifecycleRecord;
import dev.beacon.job.audit.AuditOutcome;
import dev.beacon.job.audit.AuditRecord;
import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.audit.DeadLetterReason;
import dev.beacon.job.ingest.SourceRef;
import dev.beacon.job.triage.HydrationRequest;
import dev.beacon.job.triage.LifecycleNotice;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecordJsonTest {

    private static final SourceRef SOURCE = new SourceRef("graph-notifications", 2, 1042, 1, 1_000);
    private static final long AT = Instant.parse("2024-05-01T10:00:00.125Z").toEpochMilli();

    private final ObjectMapper mapper = new ObjectMapper();

    /** Same fields, values and field order; whitespace in {@code expected} is ignored. */
    private void assertJson(JsonNode actual, String expected) throws Exception {
        assertThat(actual.toString()).isEqualTo(mapper.readTree(expected).toString());
    }

    @Test
    void deadLetter() throws Exception {
        DeadLetter d = new DeadLetter(SOURCE, DeadLetterReason.HMAC_MISMATCH, "dataSignature differs", "{\"x\":1}",
                true, AT);

        assertJson(RecordJson.deadLetter(d, mapper), """
                {"source":"graph-notifications","partition":2,"offset":1042,"item_index":1,
                 "reason":"hmac_mismatch","detail":"dataSignature differs","raw":"{\\"x\\":1}",
                 "raw_truncated":true,"failed_at":"2024-05-01T10:00:00.125Z"}""");
    }

    @Test
    void auditWithUnknownLatencyHasNullLatency() throws Exception {
        AuditRecord a = new AuditRecord(SOURCE, "t", "s", "created", "c", "m", AuditOutcome.NEEDS_HYDRATION, null,
                null, AT, -1);

        assertJson(RecordJson.audit(a, mapper), """
                {"source":"graph-notifications","partition":2,"offset":1042,"item_index":1,
                 "tenant_id":"t","subscription_id":"s","change_type":"created","chat_id":"c","message_id":"m",
                 "outcome":"needs-hydration","reason":null,"fact_id":null,
                 "processed_at":"2024-05-01T10:00:00.125Z","ingest_latency_ms":null}""");
    }

    @Test
    void lifecycleEmbedsTheNotificationAsJson() throws Exception {
        LifecycleNotice l = new LifecycleNotice(SOURCE, "sub-1", "tenant-1", "reauthorizationRequired",
                "{\"lifecycleEvent\":\"reauthorizationRequired\",\"subscriptionId\":\"sub-1\"}");

        assertJson(RecordJson.lifecycle(l, mapper), """
                {"source":"graph-notifications","partition":2,"offset":1042,"item_index":1,
                 "subscription_id":"sub-1","tenant_id":"tenant-1","lifecycle_event":"reauthorizationRequired",
                 "notification":{"lifecycleEvent":"reauthorizationRequired","subscriptionId":"sub-1"}}""");
    }

    @Test
    void lifecycleKeepsAnUnparseableNotificationAsText() {
        LifecycleNotice l = new LifecycleNotice(SOURCE, "sub-1", "tenant-1", "missed", "{not json");

        assertThat(RecordJson.lifecycle(l, mapper).get("notification").textValue()).isEqualTo("{not json");
    }

    @Test
    void hydrationRequest() throws Exception {
        HydrationRequest h = new HydrationRequest(SOURCE, "sub-1", "tenant-1", "created",
                "chats('19:abc')/messages('1714')", "19:abc", "1714");

        assertJson(RecordJson.hydration(h, mapper), """
                {"source":"graph-notifications","partition":2,"offset":1042,"item_index":1,
                 "subscription_id":"sub-1","tenant_id":"tenant-1","change_type":"created",
                 "resource":"chats('19:abc')/messages('1714')","chat_id":"19:abc","message_id":"1714"}""");
    }

    @Test
    void theControlPlaneReadsBothThroughTheContract() throws Exception {
        LifecycleNotice l = new LifecycleNotice(SOURCE, "sub-1", "tenant-1", "subscriptionRemoved",
                "{\"lifecycleEvent\":\"subscriptionRemoved\",\"subscriptionId\":\"sub-1\"}");
        HydrationRequest h = new HydrationRequest(SOURCE, "sub-1", "tenant-1", "created",
                "chats('19:abc')/messages('1714')", "19:abc", "1714");

        // Through bytes, as on the topic.
        LifecycleRecord lifecycle = LifecycleRecord.fromJson(mapper.readTree(
                mapper.writeValueAsBytes(RecordJson.lifecycle(l, mapper))));
        HydrationRequestRecord hydration = HydrationRequestRecord.fromJson(mapper.readTree(
                mapper.writeValueAsBytes(RecordJson.hydration(h, mapper))));

        assertThat(lifecycle).isEqualTo(new LifecycleRecord("graph-notifications", 2, 1042, 1, "sub-1", "tenant-1",
                "subscriptionRemoved", mapper.readTree(l.json())));
        assertThat(hydration).isEqualTo(new HydrationRequestRecord("graph-notifications", 2, 1042, 1, "sub-1",
                "tenant-1", "created", "chats('19:abc')/messages('1714')", "19:abc", "1714"));
    }
}
