package dev.beacon.job.securitylines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.job.audit.DeadLetterReason;
import dev.beacon.job.ingest.SourceRef;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The data of ACS IncomingCall events, as documented and in the variations ACS's identifiers allow. */
class IncomingCallReaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SourceRef SOURCE = new SourceRef("acs", 1, 5, 0, 1_700_000_000_000L);

    @Test
    void identifiersWithoutRawIdsAreDerivedFromTheirKind() throws Exception {
        IncomingCallReader.Result r = read("""
                {"to": {"kind": "phoneNumber", "phoneNumber": {"value": "+15550100"}},
                 "from": {"kind": "communicationUser", "communicationUser": {"id": "8:acs:caller"}},
                 "correlationId": "c-1", "unknownMember": [1, 2]}""", 42L);

        assertThat(r).isEqualTo(new IncomingCallReader.Read(new IncomingCall(SOURCE, "ev", "res", "4:+15550100",
                "8:acs:caller", null, null, "c-1", null, 42L)));
    }

    @Test
    void aWithheldCallerIsStillACallAndTheRecordTimeStandsInForAMissingEventTime() throws Exception {
        IncomingCallReader.Result r = read("{\"to\": {\"rawId\": \"4:+15550100\"}}", 0L);

        assertThat(r).isEqualTo(new IncomingCallReader.Read(new IncomingCall(SOURCE, "ev", "res", "4:+15550100",
                null, null, null, null, null, SOURCE.ingestedAtMillis())));
    }

    @Test
    void theCallersNumberComesFromAPhoneRawIdToo() throws Exception {
        IncomingCallReader.Result r = read("""
                {"to": {"rawId": "4:+15550100"}, "from": {"rawId": "4:+14255550123"},
                 "callerDisplayName": "Lobby\\u0007 phone"}""", 42L);

        IncomingCall call = ((IncomingCallReader.Read) r).call();
        assertThat(call.callerPhoneNumber()).isEqualTo("+14255550123");
        assertThat(call.callerDisplayName()).isEqualTo("Lobby phone");
    }

    static Stream<Arguments> unusable() {
        return Stream.of(
                arguments("[]", "data is an array, not an object"),
                arguments("{}", "data.to has no rawId and no phone number"),
                arguments("{\"to\": \"4:+15550100\"}", "data.to is a string, not an object"),
                arguments("{\"to\": {\"rawId\": 4}}", "data.to.rawId is a number, not a string"),
                arguments("{\"to\": {\"rawId\": \"4:+1\\u0000\"}}", "data.to.rawId contains a control character (U+0000)"),
                arguments("{\"to\": {\"rawId\": \"4:+1\"}, \"correlationId\": {}}",
                        "data.correlationId is an object, not a string"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unusable")
    void anUnusableCallHasItsReason(String data, String detail) throws Exception {
        assertThat(read(data, 42L))
                .isEqualTo(new IncomingCallReader.Rejected(DeadLetterReason.INVALID_INCOMING_CALL, detail));
    }

    @Test
    void withoutAnyTimeTheCallIsUnusable() throws Exception {
        SourceRef noTime = new SourceRef("acs", 1, 5, 0, 0L);
        JsonNode data = JSON.readTree("{\"to\": {\"rawId\": \"4:+15550100\"}}");

        assertThat(IncomingCallReader.read(noTime, "ev", "res", 0L, data)).isEqualTo(new IncomingCallReader.Rejected(
                DeadLetterReason.INVALID_INCOMING_CALL, "no event time and no record timestamp"));
    }

    @ParameterizedTest
    @CsvSource({
        "4:+15550100,                     4:+15550100",
        "'4:+1 555-0100',                 4:+15550100",
        "' 4:15550100 ',                  4:+15550100",
        "28:orgid:ABCDEF01-aaaa-BBBB-cccc-0123456789AB, 28:orgid:abcdef01-aaaa-bbbb-cccc-0123456789ab",
        "28:ORGID:abc,                    28:orgid:abc",
        "8:acs:Some-User,                 8:acs:Some-User"})
    void lineIdsHaveOneSpelling(String raw, String canonical) {
        assertThat(LineIds.of(raw)).isEqualTo(canonical);
    }

    private static IncomingCallReader.Result read(String data, long time) throws Exception {
        return IncomingCallReader.read(SOURCE, "ev", "res", time, JSON.readTree(data));
    }
}
