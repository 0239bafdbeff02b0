package dev.beacon.system.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.control.alerts.AlertFact;
import dev.beacon.control.alerts.AlertSummary;
import dev.beacon.job.correlate.EmergencyCallFact;
import dev.beacon.job.correlate.StructuredLocation;
import dev.beacon.job.sink.FactCloudEvents;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/**
 * The control plane's notifier reads fact records itself (it does not depend on the job): this checks that what
 * the job's own writer ({@link FactCloudEvents#toRecord}) publishes is what {@link AlertFact#read} understands.
 */
class AlertFactContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ConsumerRecord<byte[], byte[]> consumed(ProducerRecord<byte[], byte[]> p) {
        return new ConsumerRecord<>(p.topic(), 0, 0, p.timestamp(), TimestampType.CREATE_TIME, -1, -1, p.key(),
                p.value(), new RecordHeaders(p.headers().toArray()), java.util.Optional.empty());
    }

    private static EmergencyCallFact fact() {
        EmergencyCallFact f = new EmergencyCallFact();
        f.factId = "5bdde828-a04b-3f0f-8398-e729fb09419d";
        f.kind = EmergencyCallFact.KIND_EMERGENCY;
        f.tenantId = "tenant-1";
        f.callerUserId = "u-1";
        f.callerDisplayName = "Adele Vance";
        f.callerUpn = "adele@contoso.example";
        f.dialedNumber = "933";
        f.testCall = false;
        f.locationText = "Building 1";
        f.location = new StructuredLocation();
        f.location.siteName = "Redmond HQ";
        f.callStartedAtMillis = Instant.parse("2026-11-27T10:00:00Z").toEpochMilli();
        f.detectedAtMillis = Instant.parse("2026-11-27T10:00:02.250Z").toEpochMilli();
        f.updatedAtMillis = f.detectedAtMillis;
        f.endedAtMillis = 0;
        f.durationSeconds = -1;
        f.revision = 3;
        f.notificationCount = 1;
        f.sources = new ArrayList<>(List.of("chat"));
        f.messages = new ArrayList<>();
        f.supersedes = new ArrayList<>(List.of("11111111-2222-3333-4444-555555555555"));
        return f;
    }

    @Test
    void aRevisionAsTheJobWritesItIsReadByTheNotifier() throws Exception {
        EmergencyCallFact f = fact();
        AlertFact read = AlertFact.read(consumed(FactCloudEvents.toRecord("emergency-call-facts", f, JSON)));
        assertThat(read.factId()).isEqualTo(f.factId);
        assertThat(read.isSupersede()).isFalse();
        assertThat(read.tenantId()).isEqualTo("tenant-1");
        assertThat(read.revision()).isEqualTo(3);
        assertThat(read.testCall()).isTrue(); // dialled 933
        assertThat(read.detectedAt()).isEqualTo(Instant.parse("2026-11-27T10:00:02.250Z"));
        assertThat(read.supersedes()).containsExactly("11111111-2222-3333-4444-555555555555");
        assertThat(AlertSummary.lines(read)).containsEntry("Caller", "Adele Vance (adele@contoso.example)")
                .containsEntry("Site", "Redmond HQ").containsEntry("Location", "Building 1")
                .containsEntry("Number dialled", "933").containsEntry("Test call", "yes");
    }

    @Test
    void aSupersedeAsTheJobWritesItIsReadByTheNotifier() throws Exception {
        EmergencyCallFact live = fact();
        EmergencyCallFact s = EmergencyCallFact.supersede("11111111-2222-3333-4444-555555555555", live,
                live.updatedAtMillis);
        AlertFact read = AlertFact.read(consumed(FactCloudEvents.toRecord("emergency-call-facts", s, JSON)));
        assertThat(read.isSupersede()).isTrue();
        assertThat(read.factId()).isEqualTo("11111111-2222-3333-4444-555555555555");
        assertThat(read.supersededBy()).isEqualTo(live.factId);
        assertThat(read.tenantId()).isEqualTo("tenant-1");
    }
}
