package dev.beacon.contracts.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.contracts.records.ContractFormatException.Problem;
import org.junit.jupiter.api.Test;

/** The job-to-control-plane records survive the trip through bytes, and say precisely what is wrong when not. */
class ContractRecordsTest {

    private final ObjectMapper m = new ObjectMapper();

    private JsonNode trip(JsonNode n) throws Exception {
        return m.readTree(m.writeValueAsBytes(n));
    }

    @Test
    void lifecycleRoundTripsWithItsNotificationEmbedded() throws Exception {
        LifecycleRecord r = new LifecycleRecord("teams-events", 2, 1042, 1, "sub-1", "tenant-1", "missed",
                LifecycleRecord.embed("{\"lifecycleEvent\":\"missed\",\"subscriptionId\":\"sub-1\"}", m));

        JsonNode json = trip(r.toJson(m));

        assertThat(json.toString()).isEqualTo("{\"source\":\"teams-events\",\"partition\":2,\"offset\":1042,"
                + "\"item_index\":1,\"subscription_id\":\"sub-1\",\"tenant_id\":\"tenant-1\",\"lifecycle_event\":"
                + "\"missed\",\"notification\":{\"lifecycleEvent\":\"missed\",\"subscriptionId\":\"sub-1\"}}");
        assertThat(LifecycleRecord.fromJson(json)).isEqualTo(r);
    }

    @Test
    void lifecycleKeepsAnUnparseableItemAsTextAndANullOneAsNull() throws Exception {
        LifecycleRecord text = new LifecycleRecord("t", 0, 1, 0, "s", null, "missed",
                LifecycleRecord.embed("{not json", m));
        LifecycleRecord none = new LifecycleRecord("t", 0, 1, 0, "s", null, "missed", null);

        assertThat(LifecycleRecord.fromJson(trip(text.toJson(m))).notification().textValue()).isEqualTo("{not json");
        assertThat(LifecycleRecord.fromJson(trip(none.toJson(m)))).isEqualTo(none);
    }

    @Test
    void hydrationRequestRoundTrips() throws Exception {
        HydrationRequestRecord r = new HydrationRequestRecord("teams-events", 2, 1042, 1, "sub-1", "tenant-1",
                "created", "chats('19:abc')/messages('1714')", "19:abc", "1714");

        assertThat(HydrationRequestRecord.fromJson(trip(r.toJson(m)))).isEqualTo(r);
    }

    @Test
    void lifecycleProblemsNameTheFieldAndWhatIsWrong() throws Exception {
        assertProblem("{\"lifecycle_event\":\"missed\"}", "subscription_id", Problem.MISSING);
        assertProblem("{\"subscription_id\":\" \"}", "subscription_id", Problem.MISSING);
        assertProblem("{\"subscription_id\":\"s\",\"lifecycle_event\":null}", "lifecycle_event", Problem.MISSING);
        assertProblem("{\"subscription_id\":42,\"lifecycle_event\":\"missed\"}", "subscription_id",
                Problem.WRONG_TYPE);
        assertProblem("[1]", null, Problem.INVALID);

        // Tolerated where the control plane does not act: a tenant that is no string, a position that is no integer.
        LifecycleRecord lenient = LifecycleRecord.fromJson(m.readTree("{\"subscription_id\":\"s\",\"tenant_id\":7,"
                + "\"partition\":\"x\",\"lifecycle_event\":\"missed\"}"));
        assertThat(lenient).isEqualTo(new LifecycleRecord(null, -1, -1, -1, "s", null, "missed", null));
    }

    private void assertProblem(String json, String field, Problem problem) throws Exception {
        ContractFormatException e = catchThrowableOfType(ContractFormatException.class,
                () -> LifecycleRecord.fromJson(m.readTree(json)));
        assertThat(e).as(json).isNotNull();
        assertThat(e.field()).as(json).isEqualTo(field);
        assertThat(e.problem()).as(json).isEqualTo(problem);
    }
}
