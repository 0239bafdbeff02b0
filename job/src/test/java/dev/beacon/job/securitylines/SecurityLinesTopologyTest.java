package dev.beacon.job.securitylines;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.contracts.records.SecurityLineRecord;
import dev.beacon.job.audit.AuditOutcome;
import dev.beacon.job.audit.AuditRecord;
import dev.beacon.job.audit.AuditTrail;
import dev.beacon.job.correlate.EmergencyCallFact;
import dev.beacon.job.correlate.FactIds;
import dev.beacon.job.ingest.SourceRef;
import dev.beacon.job.reference.ReferenceUpdate;
import dev.beacon.job.testing.CollectingSink;
import dev.beacon.job.testing.MiniClusters;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link SecurityLineCalls#define} on the MiniCluster, as the integrator wires it: calls and lines from two sources
 * in whichever order they meet, the fact (with every security-line field, through Flink's serializers) and its
 * audit row on the side output, one fact for a call delivered twice.
 */
class SecurityLinesTopologyTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final String LINE = "4:+15550100";

    @Test
    void aCallToALineIsOneFactWithItsAuditRow() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        IncomingCall call = new IncomingCall(new SourceRef("acs", 0, 7, 0, 1_800_000_000_000L), "ev-1", "acs-res",
                "4:+15550100", "4:+14255550123", "+14255550123", "Front Desk", "corr-1", "server-1",
                1_800_000_000_000L);
        IncomingCall again = new IncomingCall(new SourceRef("acs", 0, 8, 0, 1_800_000_000_000L), "ev-1",
                "acs-res", "4:+15550100", "4:+14255550123", "+14255550123", "Front Desk", "corr-1", "server-1",
                1_800_000_000_000L);
        ReferenceUpdate line = ReferenceUpdate.of(new SecurityLineRecord(LINE, "integration-1", "tenant-1",
                "Lobby security", null, "+15550100", null));

        SingleOutputStreamOperator<EmergencyCallFact> facts = SecurityLineCalls.define(
                env.fromData(TypeInformation.of(IncomingCall.class), call, again),
                env.fromData(TypeInformation.of(ReferenceUpdate.class), line),
                Duration.ofSeconds(30), Duration.ofHours(1));
        String run = CollectingSink.newRun();
        facts.sinkTo(CollectingSink.to(run, "facts"));
        facts.getSideOutput(AuditTrail.AUDIT).sinkTo(CollectingSink.to(run, "audit"));
        env.execute("security-lines");

        List<EmergencyCallFact> out = CollectingSink.collected(run, "facts");
        List<AuditRecord> audit = CollectingSink.collected(run, "audit");
        CollectingSink.clear(run);
        assertThat(out).singleElement().satisfies(f -> {
            assertThat(f.factId).isEqualTo(FactIds.securityLineFactId("corr-1"));
            assertThat(f.kind).isEqualTo(EmergencyCallFact.KIND_SECURITY_LINE);
            assertThat(f.calledLine).isEqualTo(LINE);
            assertThat(f.calledLineName).isEqualTo("Lobby security");
            assertThat(f.callerPhoneNumber).isEqualTo("+14255550123");
            assertThat(f.correlationId).isEqualTo("corr-1");
            assertThat(f.serverCallId).isEqualTo("server-1");
            assertThat(f.sources).containsExactly("acs:acs-res");
        });
        assertThat(audit).extracting(AuditRecord::outcome)
                .containsExactlyInAnyOrder(AuditOutcome.EMITTED, AuditOutcome.DUPLICATE);
    }
}
