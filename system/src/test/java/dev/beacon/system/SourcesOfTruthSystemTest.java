package dev.beacon.system;

import static dev.beacon.system.BeaconSystem.ADA;
import static dev.beacon.system.BeaconSystem.GRACE;
import static dev.beacon.system.BeaconSystem.await;
import static dev.beacon.system.BeaconSystem.deskMessage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.control.emulator.AcsIncomingCalls;
import dev.beacon.control.emulator.EmergencyCallEvents;
import dev.beacon.control.emulator.EntraEndpoints;
import dev.beacon.control.lines.NewLine;
import dev.beacon.control.sites.NewSite;
import dev.beacon.job.correlate.FactIds;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every source of truth about a call, through the real control plane, ingress and job: the directory and sites the
 * control plane publishes, Graph's emergency call events (subscribed per policy) merged with the security-desk chat
 * into one fact whichever arrives first, {@code callEnded} closing it, and ACS calls to a configured security line.
 */
class SourcesOfTruthSystemTest {

    static final String TENANT = EntraEndpoints.DEFAULT_TENANT;
    static final String HOTLINE = "+15550100";

    @TempDir
    Path dir;

    @Test
    void chatAndEmergencyCallEventAreOneFactInEitherOrderAndSecurityLineCallsAreFacts() throws Exception {
        try (BeaconSystem beacon = BeaconSystem.start(dir, BeaconSystem.Options.forTests()).startJob()) {
            var reference = beacon.controlPlane.controlPlane().referenceData();
            reference.sites().put("b42", new NewSite(null, "Building 42", List.of("Building 42"),
                    "1 Main Street, Redmond", "42", "3", 47.64, -122.13, List.of("Security desk B42")));
            reference.lines().add(BeaconSystem.INTEGRATION, new NewLine(HOTLINE, "Security hotline"));
            String policySubscription = beacon.emergencyEvents().id();
            EmergencyCallEvents events = beacon.emulator.emergencyCallEvents();
            Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS);

            // 1. Ada: the structured event first, the desk's chat message two seconds later.
            assertThat(events.deliver(policySubscription, new EmergencyCallEvents.Event("ev-ada-1", "callStarted", t,
                    "911", new EmergencyCallEvents.Caller(ADA.name(), ADA.upn(), "+14255550111", TENANT,
                    EmergencyCallEvents.Location.redmond())))).isEqualTo(200);
            assertThat(beacon.deliver(beacon.eventHubs(), deskMessage(BeaconSystem.EVENT_HUB_CHAT, "3001", ADA.id(),
                    ADA.name(), "911", "Building 42", t.plusSeconds(2)))).isEqualTo(200);

            // 2. Grace: the chat first, then the event, which started the call a second earlier (no location in
            //    it: the site matched to the chat's location text gives the structured location).
            assertThat(beacon.deliver(beacon.eventHubs(), deskMessage(BeaconSystem.EVENT_HUB_CHAT, "3002", GRACE.id(),
                    GRACE.name(), "112", "Building 42", t))).isEqualTo(200);
            await("Grace's chat fact", Duration.ofSeconds(60), () -> facts(beacon, "emergency") == 2);
            assertThat(events.deliver(policySubscription, new EmergencyCallEvents.Event("ev-grace-1", "callStarted",
                    t.minusSeconds(1), "112", new EmergencyCallEvents.Caller(GRACE.name(), GRACE.upn(), null,
                    TENANT, null)))).isEqualTo(200);

            // 3. Ada's call ends 95 s after it started.
            assertThat(events.deliver(policySubscription, new EmergencyCallEvents.Event("ev-ada-2", "callEnded",
                    t.plusSeconds(95), "911", new EmergencyCallEvents.Caller(ADA.name(), ADA.upn(), "+14255550111",
                    TENANT, null)))).isEqualTo(200);

            // 4. ACS: one call to the security hotline, one to another number, both through Event Hubs.
            AcsIncomingCalls.IncomingCall toHotline = AcsIncomingCalls.IncomingCall.pstn("+14255550199",
                    AcsIncomingCalls.Party.phone(HOTLINE), "Front desk", t);
            AcsIncomingCalls.IncomingCall elsewhere = AcsIncomingCalls.IncomingCall.pstn("+14255550198",
                    AcsIncomingCalls.Party.phone("+15550999"), "Someone", t);
            AcsIncomingCalls.writeToEventHub(beacon.kafka.bootstrapServers(), BeaconSystem.EVENTS_TOPIC,
                    List.of(toHotline, elsewhere), false);

            await("merged, ended and security-line facts", Duration.ofSeconds(120), () ->
                    facts(beacon, "security-line") == 1 && !beacon.postgres.query("SELECT 1 FROM emergency_call "
                            + "WHERE ended_at IS NOT NULL AND caller_upn IS NOT NULL AND array_length(sources, 1) = 2 "
                            + "AND caller_user_id = '" + ADA.id() + "'").isEmpty()
                            && !beacon.postgres.query("SELECT 1 FROM emergency_call WHERE caller_user_id = '"
                            + GRACE.id() + "' AND policy_name IS NOT NULL AND site_id = 'b42'").isEmpty());

            assertThat(beacon.postgres.query("SELECT fact_id::text AS fact_id, caller_user_id, caller_upn, "
                    + "caller_department, dialed_number, policy_name, location->>'source' AS location_source, "
                    + "location->>'city' AS city, site_id, duration_seconds, notification_count "
                    + "FROM emergency_call WHERE kind = 'emergency' ORDER BY caller_display_name")).containsExactly(
                    row("fact_id", FactIds.factId(TENANT, ADA.id(), t.toEpochMilli()), "caller_user_id", ADA.id(),
                            "caller_upn", ADA.upn(), "caller_department", ADA.department(), "dialed_number", "911",
                            "policy_name", BeaconSystem.EMERGENCY_POLICY, "location_source", "emergency-call-event",
                            "city", "Redmond", "site_id", null, "duration_seconds", 95L, "notification_count", 1),
                    row("fact_id", FactIds.factId(TENANT, GRACE.id(), t.minusSeconds(1).toEpochMilli()),
                            "caller_user_id", GRACE.id(), "caller_upn", GRACE.upn(), "caller_department",
                            GRACE.department(), "dialed_number", "112", "policy_name", BeaconSystem.EMERGENCY_POLICY,
                            "location_source", "site", "city", null, "site_id", "b42", "duration_seconds", null,
                            "notification_count", 1));
            assertThat(beacon.postgres.query("SELECT called_line, called_line_name, caller_phone_number, "
                    + "correlation_id FROM emergency_call WHERE kind = 'security-line'")).containsExactly(
                    row("called_line", "4:" + HOTLINE, "called_line_name", "Security hotline",
                            "caller_phone_number", "+14255550199", "correlation_id", toHotline.correlationId()));
            // Grace's chat fact was published first under its own id; the event's earlier start superseded it.
            // (Ada's chat may also have been published first under its own id: the event and the chat message take
            // different paths through the job, so either may reach the correlator first.)
            assertThat(beacon.postgres.query("SELECT alias_id::text AS alias_id FROM fact_alias WHERE fact_id = '"
                    + FactIds.factId(TENANT, GRACE.id(), t.minusSeconds(1).toEpochMilli()) + "'")).containsExactly(
                    Map.of("alias_id", FactIds.factId(TENANT, GRACE.id(), t.toEpochMilli())));
            assertThat(beacon.postgres.queryValue("SELECT count(*) FROM dead_letter")).isEqualTo(0L);
            // A call to another number waits out the grace period for its line (securitylines.grace: 5 s here, 30 s by default), then
            // is counted and audited, never a fact.
            await("the other number's call audited", Duration.ofSeconds(90), () -> !beacon.postgres.query(
                    "SELECT 1 FROM notification_audit WHERE message_id = '" + elsewhere.eventId() + "'").isEmpty());
            assertThat(facts(beacon, "security-line")).isEqualTo(1);
            assertThat(beacon.postgres.query("SELECT outcome, reason FROM notification_audit "
                    + "WHERE message_id = '" + elsewhere.eventId() + "'")).containsExactly(
                    Map.of("outcome", "ignored", "reason", "not-a-security-line"));
        }
    }

    private static long facts(BeaconSystem beacon, String kind) {
        return (Long) beacon.postgres.queryValue("SELECT count(*) FROM emergency_call WHERE kind = '" + kind + "'");
    }

    /** A row as {@code PostgresFixture.query} returns it; unlike {@code Map.of}, values may be null. */
    private static Map<String, Object> row(Object... keysAndValues) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}
