package dev.beacon.job.emergencyevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.job.audit.DeadLetterReason;
import dev.beacon.job.correlate.StructuredLocation;
import dev.beacon.job.ingest.SourceRef;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decrypted resources Microsoft documents for emergency call events (test resources under
 * {@code emergencyevents/}), and variations of them, through {@link EmergencyCallEventParser}: every field of a usable
 * event, and the specific reason for an unusable one.
 */
class EmergencyCallEventParserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SourceRef SOURCE = new SourceRef("graph-notifications", 3, 77, 0, 1_704_103_201_000L);
    private static final String SUBSCRIPTION = "sub-emergency-1";
    private static final String NOTIFICATION_TENANT = "00000000-0000-0000-0000-000000000000";
    private static final String CALLER_TENANT = "11111111-2222-3333-4444-555555555555";

    @Test
    void microsoftsDecryptedSampleIsACallStartedEventWithItsCivicAddress() {
        EmergencyCallEvent e = parsed("decrypted-documented.json", NOTIFICATION_TENANT);

        assertThat(e.source()).isEqualTo(SOURCE);
        assertThat(e.subscriptionId()).isEqualTo(SUBSCRIPTION);
        assertThat(e.tenantId()).isEqualTo(NOTIFICATION_TENANT);
        assertThat(e.eventId()).isEqualTo("11111111-0000-0000-0000-000000000000");
        assertThat(e.eventType()).isEqualTo(EmergencyCallEvent.CALL_STARTED);
        assertThat(e.eventAtMillis()).isEqualTo(Instant.parse("2024-01-01T10:00:00Z").toEpochMilli());
        assertThat(e.policyName()).isEqualTo("EmergencyPolicy");
        assertThat(e.dialedNumber()).isEqualTo("{emergencyNumberDialed}");
        assertThat(e.callerDisplayName()).isEqualTo("Emergency caller display name");
        assertThat(e.callerUpn()).isEqualTo("emergencyCaller@contoso.com");
        assertThat(e.callerPhoneNumber()).isEqualTo("00000000000");
        assertThat(e.callerUserId()).isNull();
        assertThat(e.contentHash()).hasSize(64);

        StructuredLocation l = e.location();
        assertThat(l.source).isEqualTo(StructuredLocation.FROM_EMERGENCY_CALL_EVENT);
        assertThat(l.houseNumber).isEqualTo("725");
        assertThat(l.street).isEqualTo("Microsoft Way Street suffix");
        assertThat(l.floor).isEqualTo("700");
        assertThat(l.city).isEqualTo("Redmond");
        assertThat(l.state).isEqualTo("WA");
        assertThat(l.postalCode).isEqualTo("00000");
        assertThat(l.countryOrRegion).isEqualTo("United States");
        assertThat(l.address).isEqualTo("725 Microsoft Way Street suffix, 700, Redmond, WA 00000, United States");
        // The sample's "00.0000" placeholders are 0,0: no position, rather than a point off the coast of Africa.
        assertThat(l.latitude).isNull();
        assertThat(l.longitude).isNull();
        assertThat(l.siteId).isNull();
    }

    @Test
    void theBareResourceRepresentationIsReadToo() {
        EmergencyCallEvent e = parsed("resource-representation.json", null);

        assertThat(e.eventId()).isEqualTo("22222222-0000-0000-0000-000000000000");
        assertThat(e.eventType()).isEqualTo(EmergencyCallEvent.CALL_ENDED);
        assertThat(e.eventAtMillis()).isEqualTo(Instant.parse("2024-01-01T10:07:30Z").toEpochMilli());
        assertThat(e.dialedNumber()).isEqualTo("911");
        assertThat(e.callerUpn()).isEqualTo("AdeleV@contoso.com");
        assertThat(e.callerPhoneNumber()).isEqualTo("+14255550100");
        // No tenant on the notification: the caller's.
        assertThat(e.tenantId()).isEqualTo(CALLER_TENANT);
        StructuredLocation l = e.location();
        assertThat(l.building).isEqualTo("Building 25");
        assertThat(l.address).isEqualTo("1 Microsoft Way, Redmond, WA 98052, US");
        assertThat(l.latitude).isEqualTo(47.6396);
        assertThat(l.longitude).isEqualTo(-122.1284);
    }

    @Test
    void sevenFractionDigitsAndAnOffsetAreOneInstant() {
        EmergencyCallEvent e = parsed("roster-updated-offset.json", NOTIFICATION_TENANT);

        assertThat(e.eventType()).isEqualTo(EmergencyCallEvent.ROSTER_UPDATED);
        assertThat(e.eventAtMillis()).isEqualTo(Instant.parse("2024-01-01T10:00:05.123Z").toEpochMilli());
        assertThat(e.location()).isNull();
        assertThat(e.dialedNumber()).isEqualTo("112");
    }

    @Test
    void aFutureEventTypeIsKeptAndACallerIdIsEnough() {
        EmergencyCallEvent e = parsed("future-event-type.json", NOTIFICATION_TENANT);

        assertThat(e.eventType()).isEqualTo("callTransferred");
        assertThat(e.callerUpn()).isNull();
        assertThat(e.callerUserId()).isEqualTo("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
        // A coordinate that is no number drops the position, not the event.
        assertThat(e.location().latitude).isNull();
        assertThat(e.location().address).isEqualTo("Redmond");
    }

    static Stream<Arguments> timeSpellings() {
        return Stream.of(
                arguments("2024-01-01T10:00:00.0000000+00:00", "2024-01-01T10:00:00Z"),
                arguments("2024-01-01T10:00:00Z", "2024-01-01T10:00:00Z"),
                arguments("2024-01-01T10:00:00.1234567Z", "2024-01-01T10:00:00.123Z"),
                arguments("2024-01-01T10:00:00.123456789-05:00", "2024-01-01T15:00:00.123Z"),
                arguments("2024-01-01T10:00:00.5", "2024-01-01T10:00:00.500Z"),
                arguments("2024-01-01t10:00:00z", "2024-01-01T10:00:00Z"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("timeSpellings")
    void eventDateTimeSpellings(String given, String instant) {
        ObjectNode root = resource("decrypted-documented.json");
        ((ObjectNode) root.get("emergencyCallEvent")).put("eventDateTime", given);

        assertThat(parsed(root, NOTIFICATION_TENANT).eventAtMillis()).isEqualTo(Instant.parse(instant).toEpochMilli());
    }

    @Test
    void coordinatesMayBeNumbersOrStrings() {
        ObjectNode root = resource("decrypted-documented.json");
        ObjectNode coordinates = (ObjectNode) root.at("/emergencyCallEvent/callerInfo/location/coordinates");
        coordinates.put("latitude", "47.6396").put("longitude", -122.1284);

        StructuredLocation l = parsed(root, NOTIFICATION_TENANT).location();

        assertThat(l.latitude).isEqualTo(47.6396);
        assertThat(l.longitude).isEqualTo(-122.1284);
    }

    @Test
    void theTypeIsCanonicalWhateverItsCase() {
        ObjectNode root = resource("decrypted-documented.json");
        ((ObjectNode) root.get("emergencyCallEvent")).put("callEventType", "CALLENDED");

        assertThat(parsed(root, NOTIFICATION_TENANT).eventType()).isEqualTo(EmergencyCallEvent.CALL_ENDED);
    }

    @Test
    void theSameEventHasTheSameHashAndAChangedOneAnother() {
        String first = parsed("decrypted-documented.json", NOTIFICATION_TENANT).contentHash();
        String again = parsed("decrypted-documented.json", NOTIFICATION_TENANT).contentHash();
        ObjectNode ended = resource("decrypted-documented.json");
        ((ObjectNode) ended.get("emergencyCallEvent")).put("callEventType", "callEnded");

        assertThat(again).isEqualTo(first);
        assertThat(parsed(ended, NOTIFICATION_TENANT).contentHash()).isNotEqualTo(first);
    }

    static Stream<Arguments> unusable() {
        return Stream.of(
                arguments("without-caller.json", DeadLetterReason.EMERGENCY_CALL_EVENT_WITHOUT_CALLER,
                        "callerInfo has no upn and no id"),
                arguments("without-event-time.json", DeadLetterReason.EMERGENCY_CALL_EVENT_WITHOUT_TIME,
                        "no eventDateTime"),
                arguments("bad-event-time.json", DeadLetterReason.EMERGENCY_CALL_EVENT_WITHOUT_TIME,
                        "eventDateTime is not an ISO 8601 date-time"),
                arguments("caller-info-not-object.json", DeadLetterReason.INVALID_EMERGENCY_CALL_EVENT,
                        "callerInfo is a string, not an object"),
                arguments("without-event-type.json", DeadLetterReason.INVALID_EMERGENCY_CALL_EVENT,
                        "no callEventType"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unusable")
    void anUnusableEventHasItsOwnReason(String file, DeadLetterReason reason, String detail) {
        assertThat(EmergencyCallEventParser.parse(resource(file), envelope(NOTIFICATION_TENANT)))
                .isEqualTo(new EmergencyCallEventParser.Rejected(reason, detail));
    }

    @Test
    void withoutAnyTenantTheEventIsUnusable() {
        ObjectNode root = resource("decrypted-documented.json");
        ((ObjectNode) root.at("/emergencyCallEvent/callerInfo")).remove("tenantId");

        assertThat(EmergencyCallEventParser.parse(root, envelope(null))).isEqualTo(new EmergencyCallEventParser.Rejected(
                DeadLetterReason.MISSING_TENANT, "neither the notification nor the caller names a tenant"));
    }

    @Test
    void aControlCharacterInAnIdIsRejectedWithoutQuotingIt() {
        ObjectNode root = resource("decrypted-documented.json");
        ((ObjectNode) root.at("/emergencyCallEvent/callerInfo")).put("upn", "caller@contoso.com\u0000");

        assertThat(EmergencyCallEventParser.parse(root, envelope(NOTIFICATION_TENANT)))
                .isEqualTo(new EmergencyCallEventParser.Rejected(DeadLetterReason.INVALID_EMERGENCY_CALL_EVENT,
                        "callerInfo.upn contains a control character (U+0000)"));
    }

    @Test
    void anEventThatIsNotAnObjectIsRejected() {
        ObjectNode root = resource("decrypted-documented.json");
        root.put("emergencyCallEvent", "callStarted");

        assertThat(EmergencyCallEventParser.parse(root, envelope(NOTIFICATION_TENANT)))
                .isEqualTo(new EmergencyCallEventParser.Rejected(DeadLetterReason.INVALID_EMERGENCY_CALL_EVENT,
                        "emergencyCallEvent is a string, not an object"));
    }

    static Stream<Arguments> notifications() {
        return Stream.of(
                arguments("communications/calls/getEmergencyEventsByPolicy(policyName='EmergencyPolicy')", null, true),
                arguments("/Communications/Calls/GetEmergencyEventsByPolicy(policyName='P')", null, true),
                arguments(null, "#microsoft.graph.emergencyCallEvent", true),
                arguments("something/else", "#Microsoft.Graph.EMERGENCYCALLEVENT", true),
                arguments("chats('19:a@thread.v2')/messages('1')", "#Microsoft.Graph.chatMessage", false),
                arguments(null, null, false));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("notifications")
    void recognisesEmergencyCallEventNotifications(String resource, String odataType, boolean expected) {
        assertThat(EmergencyCallEventParser.isEmergencyCallEvent(resource, odataType)).isEqualTo(expected);
    }

    // ---------------------------------------------------------------------------------------------------------

    private static EmergencyCallEvent parsed(String file, String notificationTenant) {
        return parsed(resource(file), notificationTenant);
    }

    private static EmergencyCallEvent parsed(JsonNode root, String notificationTenant) {
        EmergencyCallEventParser.Result r = EmergencyCallEventParser.parse(root, envelope(notificationTenant));
        assertThat(r).isInstanceOf(EmergencyCallEventParser.Parsed.class);
        return ((EmergencyCallEventParser.Parsed) r).event();
    }

    private static EmergencyCallEventParser.Envelope envelope(String tenant) {
        return new EmergencyCallEventParser.Envelope(SOURCE, SUBSCRIPTION, tenant);
    }

    /** A test resource under {@code emergencyevents/}. */
    static ObjectNode resource(String file) {
        try (InputStream in = EmergencyCallEventParserTest.class.getResourceAsStream("/emergencyevents/" + file)) {
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(file, e);
        }
    }
}
