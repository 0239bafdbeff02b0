package dev.beacon.job.sink;

import static dev.beacon.job.sink.SinkTestData.CALL_STARTED;
import static dev.beacon.job.sink.SinkTestData.FACT_A;
import static dev.beacon.job.sink.SinkTestData.fact;
import static dev.beacon.job.sink.SinkTestData.fullFact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.job.correlate.EmergencyCallFact;
import dev.beacon.job.correlate.MessageRef;
import dev.beacon.job.correlate.StructuredLocation;
import org.junit.jupiter.api.Test;

class FactJsonTest {

    private final ObjectMapper mapper = new ObjectMapper();

    /** Same fields, values and field order (part of the published format); whitespace is ignored. */
    private void assertJson(JsonNode actual, String expected) throws Exception {
        assertThat(actual.toString()).isEqualTo(mapper.readTree(expected).toString());
    }

    @Test
    void writesEveryFieldInSnakeCaseWithIsoTimestamps() throws Exception {
        ObjectNode json = FactJson.toJson(fact(FACT_A, 2, CALL_STARTED), mapper);

        assertJson(json, """
                {"fact_id":"6f1c2a9e-4b7d-5c3e-9a1f-2d8e7b6c5a41","kind":"emergency","tenant_id":"tenant-1",
                 "caller_user_id":"user-6f1c","caller_display_name":"Ada Lovelace","caller_upn":null,
                 "caller_phone_number":null,"caller_department":null,"caller_job_title":null,
                 "caller_office_location":null,"dialed_number":"911",
                 "is_test_call":false,"policy_name":null,"location_text":"Building 4, floor 2","location":null,
                 "call_started_at":"2024-05-01T10:15:30.250Z","call_started_at_inferred":false,
                 "ended_at":null,"duration_seconds":null,"called_line":null,"called_line_name":null,
                 "correlation_id":null,"server_call_id":null,
                 "detected_at":"2024-05-01T10:15:31Z",
                 "updated_at":"2024-05-01T10:15:33Z","notification_count":2,"deleted_count":1,"revision":2,
                 "sources":["graph:sub-1","graph:sub-2"],
                 "message_refs":[
                   {"chat_id":"chat-1","message_id":"msg-1","subscription_id":"sub-1",
                    "created_at":"2024-05-01T10:15:30.251Z","deleted":true},
                   {"chat_id":"chat-2","message_id":"msg-2","subscription_id":"sub-2",
                    "created_at":"2024-05-01T10:15:30.252Z","deleted":false}],
                 "supersedes":[]}
                """);
    }

    @Test
    void writesEveryFieldOfAFullyPopulatedFact() throws Exception {
        ObjectNode json = FactJson.toJson(fullFact(FACT_A, 1, CALL_STARTED), mapper);

        assertJson(json, """
                {"fact_id":"6f1c2a9e-4b7d-5c3e-9a1f-2d8e7b6c5a41","kind":"security-line","tenant_id":"tenant-1",
                 "caller_user_id":"user-6f1c","caller_display_name":"Ada Lovelace",
                 "caller_upn":"ada@contoso.example","caller_phone_number":"+15550123",
                 "caller_department":"Engineering","caller_job_title":"Analyst","caller_office_location":"B4-201",
                 "dialed_number":"911","is_test_call":false,"policy_name":"Emergency-Redmond",
                 "location_text":"Building 4, floor 2",
                 "location":{"source":"site","site_id":"b4","site_name":"Building 4",
                   "address":"1 Main St, Redmond","building":"4","floor":"2","house_number":null,"street":null,
                   "city":null,"state":null,"postal_code":null,"country_or_region":null,
                   "latitude":47.64,"longitude":-122.13,"responders":["Security desk","+15550199"]},
                 "call_started_at":"2024-05-01T10:15:30.250Z","call_started_at_inferred":false,
                 "ended_at":"2024-05-01T10:17:06Z","duration_seconds":95,
                 "called_line":"4:+15550100","called_line_name":"Campus security",
                 "correlation_id":"corr-1","server_call_id":"server-call-1",
                 "detected_at":"2024-05-01T10:15:31Z","updated_at":"2024-05-01T10:15:32Z",
                 "notification_count":1,"deleted_count":0,"revision":1,"sources":["graph:sub-1"],
                 "message_refs":[{"chat_id":"chat-1","message_id":"msg-1","subscription_id":"sub-1",
                    "created_at":"2024-05-01T10:15:30.251Z","deleted":false}],
                 "supersedes":[]}
                """);
    }

    @Test
    void roundTripsAFullyPopulatedFactAndAnEventLocation() {
        EmergencyCallFact full = fullFact(FACT_A, 2, CALL_STARTED);
        EmergencyCallFact event = fullFact(FACT_A, 3, CALL_STARTED);
        event.location = new StructuredLocation();
        event.location.source = StructuredLocation.FROM_EMERGENCY_CALL_EVENT;
        event.location.houseNumber = "1";
        event.location.street = "Main St";
        event.location.city = "Redmond";
        event.location.state = "WA";
        event.location.postalCode = "98052";
        event.location.countryOrRegion = "US";
        event.durationSeconds = 0;

        assertThat(FactJson.fromJson(FactJson.toJson(full, mapper))).isEqualTo(full);
        assertThat(FactJson.fromJson(FactJson.toJson(event, mapper))).isEqualTo(event);
    }

    @Test
    void readsADocumentWrittenBeforeTheNewFieldsAsAnOpenEmergencyCall() throws Exception {
        ObjectNode old = FactJson.toJson(fact(FACT_A, 1, CALL_STARTED), mapper);
        for (String field : new String[] {"kind", "ended_at", "duration_seconds", "location", "caller_upn"}) {
            old.remove(field);
        }

        EmergencyCallFact back = FactJson.fromJson(old);

        assertThat(back.kind).isEqualTo(EmergencyCallFact.KIND_EMERGENCY);
        assertThat(back.endedAtMillis).isZero();
        assertThat(back.durationSeconds).isEqualTo(-1);
        assertThat(back.location).isNull();
        assertThat(back).isEqualTo(fact(FACT_A, 1, CALL_STARTED));
    }

    @Test
    void rejectsANonIntegerDurationAndANonObjectLocation() {
        ObjectNode badDuration = FactJson.toJson(fullFact(FACT_A, 1, CALL_STARTED), mapper);
        badDuration.put("duration_seconds", "95");
        ObjectNode badLocation = FactJson.toJson(fullFact(FACT_A, 1, CALL_STARTED), mapper);
        badLocation.put("location", "Building 4");

        assertThatThrownBy(() -> FactJson.fromJson(badDuration))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fact JSON field duration_seconds is not an integer");
        assertThatThrownBy(() -> FactJson.fromJson(badLocation))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fact JSON field location must be an object");
    }

    @Test
    void roundTripsAFact() {
        EmergencyCallFact original = fact(FACT_A, 3, CALL_STARTED);

        EmergencyCallFact back = FactJson.fromJson(FactJson.toJson(original, mapper));

        assertThat(back).isEqualTo(original);
        assertThat(back.messages).hasSize(3);
    }

    @Test
    void roundTripsNullsAndAnUnknownMessageTime() {
        EmergencyCallFact f = fact(FACT_A, 1, CALL_STARTED);
        f.callerDisplayName = null;
        f.locationText = null;
        f.testCall = true;
        f.dialedNumber = "933";
        f.messages.get(0).createdAtMillis = 0;

        ObjectNode json = FactJson.toJson(f, mapper);

        assertThat(json.get("caller_display_name").isNull()).isTrue();
        assertThat(json.get("location_text").isNull()).isTrue();
        assertThat(json.get("is_test_call").booleanValue()).isTrue();
        assertThat(json.at("/message_refs/0/created_at").isNull()).isTrue();
        assertThat(FactJson.fromJson(json)).isEqualTo(f);
    }

    @Test
    void leavesTheContentHashOut() {
        EmergencyCallFact f = fact(FACT_A, 1, CALL_STARTED);
        f.messages.set(0, new MessageRef("chat-1", "msg-1", "sub-1", CALL_STARTED, "sha256:abc"));

        JsonNode ref = FactJson.toJson(f, mapper).at("/message_refs/0");

        assertThat(ref.fieldNames()).toIterable()
                .containsExactly("chat_id", "message_id", "subscription_id", "created_at", "deleted");
        assertThat(FactJson.fromJson(FactJson.toJson(f, mapper)).messages.get(0).contentHash).isNull();
    }

    @Test
    void rejectsDocumentsThatAreNotFactsWithoutQuotingThem() throws Exception {
        assertThatThrownBy(() -> FactJson.fromJson(mapper.readTree("{\"revision\":1}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fact JSON has no fact_id");
        assertThatThrownBy(() -> FactJson.fromJson(mapper.readTree("{\"fact_id\":\"x\"}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fact JSON has no integer revision");
        ObjectNode badTime = FactJson.toJson(fact(FACT_A, 1, CALL_STARTED), mapper);
        badTime.put("detected_at", "yesterday-secret");
        assertThatThrownBy(() -> FactJson.fromJson(badTime))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fact JSON field detected_at is not an ISO-8601 instant");
        assertThatThrownBy(() -> FactJson.fromJson(mapper.readTree("[1]")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fact JSON must be an object");
    }

    @Test
    void aSupersedeRecordIsAShortDocumentThatRoundTrips() throws Exception {
        EmergencyCallFact live = fact(FACT_A, 3, CALL_STARTED);
        EmergencyCallFact supersede = EmergencyCallFact.supersede("0b5e8f2c-1d3a-5e6f-8a9b-0c1d2e3f4a5b", live,
                CALL_STARTED + 5_000);

        ObjectNode json = FactJson.toJson(supersede, mapper);

        assertJson(json, """
                {"fact_id":"0b5e8f2c-1d3a-5e6f-8a9b-0c1d2e3f4a5b",
                 "superseded_by":"6f1c2a9e-4b7d-5c3e-9a1f-2d8e7b6c5a41","tenant_id":"tenant-1",
                 "caller_user_id":"user-6f1c","updated_at":"2024-05-01T10:15:35.250Z"}""");
        EmergencyCallFact back = FactJson.fromJson(json);
        assertThat(back.isSupersede()).isTrue();
        assertThat(back.supersededBy).isEqualTo(FACT_A);
        assertThat(back.factId).isEqualTo("0b5e8f2c-1d3a-5e6f-8a9b-0c1d2e3f4a5b");
    }
}
