package dev.beacon.job.reference;

import static dev.beacon.job.reference.ReferenceSamples.ADA;
import static dev.beacon.job.reference.ReferenceSamples.B4;
import static dev.beacon.job.reference.ReferenceSamples.DESK;
import static dev.beacon.job.reference.ReferenceSamples.TENANT;
import static dev.beacon.job.reference.ReferenceSamples.USER_ID;
import static dev.beacon.job.reference.ReferenceSamples.bytes;
import static dev.beacon.job.reference.ReferenceSamples.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.beacon.contracts.records.ContractFormatException;
import dev.beacon.contracts.records.ReferenceTopics;
import dev.beacon.job.reference.ReferenceUpdate.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ReferenceDecoderTest {

    private final ReferenceDecoder decoder = new ReferenceDecoder(ReferenceSettings.defaults());

    @Test
    void aDirectoryUserBecomesAnUpdateWithEveryField() throws Exception {
        ReferenceUpdate u = decoder.decode(ReferenceTopics.DIRECTORY, ADA.key(), json(ADA));

        ReferenceUpdate.DirectoryUser expected = new ReferenceUpdate.DirectoryUser();
        expected.tenantId = TENANT;
        expected.userId = USER_ID;
        expected.displayName = "Ada Lovelace";
        expected.userPrincipalName = "ada@contoso.example";
        expected.department = "Engineering";
        expected.jobTitle = "Analyst";
        expected.officeLocation = "B4-201";
        expected.businessPhones = new ArrayList<>(List.of("+1 555 0123"));
        expected.mobilePhone = "+1 555 0999";
        assertThat(u.kind).isEqualTo(Kind.DIRECTORY_USER);
        assertThat(u.key).isEqualTo(TENANT + "|" + USER_ID);
        assertThat(u.isTombstone()).isFalse();
        assertThat(u.user).usingRecursiveComparison().isEqualTo(expected);
        assertThat(u.site).isNull();
        assertThat(u.line).isNull();
    }

    @Test
    void aSiteBecomesAnUpdateWithEveryField() throws Exception {
        ReferenceUpdate u = decoder.decode(ReferenceTopics.SITES, "b4", json(B4));

        ReferenceUpdate.Site expected = new ReferenceUpdate.Site();
        expected.siteId = "b4";
        expected.tenantId = TENANT;
        expected.name = "Building 4";
        expected.matchTerms = new ArrayList<>(List.of("Building 4", "B4"));
        expected.address = "1 Main St, Redmond";
        expected.building = "4";
        expected.floor = "2";
        expected.latitude = 47.64;
        expected.longitude = -122.13;
        expected.responders = new ArrayList<>(List.of("Security desk"));
        assertThat(u.kind).isEqualTo(Kind.SITE);
        assertThat(u.key).isEqualTo("b4");
        assertThat(u.site).usingRecursiveComparison().isEqualTo(expected);
        assertThat(u.user).isNull();
        assertThat(u.line).isNull();
    }

    @Test
    void aSecurityLineBecomesAnUpdateWithEveryField() throws Exception {
        ReferenceUpdate u = decoder.decode(ReferenceTopics.SECURITY_LINES, "4:+15550100", json(DESK));

        ReferenceUpdate.SecurityLine expected = new ReferenceUpdate.SecurityLine();
        expected.lineId = "4:+15550100";
        expected.integrationId = "integration-1";
        expected.tenantId = TENANT;
        expected.displayName = "Campus security";
        expected.userPrincipalName = "security@contoso.example";
        expected.phoneNumber = "+15550100";
        assertThat(u.kind).isEqualTo(Kind.SECURITY_LINE);
        assertThat(u.key).isEqualTo("4:+15550100");
        assertThat(u.line).usingRecursiveComparison().isEqualTo(expected);
    }

    @Test
    void aValueWithoutAKeyTakesTheRecordsKey() throws Exception {
        assertThat(decoder.decode(ReferenceTopics.SITES, null, json(B4)).key).isEqualTo("b4");
    }

    @Test
    void aNullValueIsATombstoneForTheKeyOfItsTopic() throws Exception {
        ReferenceUpdate user = decoder.decode(ReferenceTopics.DIRECTORY, ADA.key(), null);
        ReferenceUpdate site = decoder.decode(ReferenceTopics.SITES, "b4", null);
        ReferenceUpdate line = decoder.decode(ReferenceTopics.SECURITY_LINES, "28:orgid:abc", null);

        assertThat(List.of(user, site, line)).allMatch(ReferenceUpdate::isTombstone);
        assertThat(List.of(user.kind, site.kind, line.kind))
                .containsExactly(Kind.DIRECTORY_USER, Kind.SITE, Kind.SECURITY_LINE);
        assertThat(List.of(user.key, site.key, line.key)).containsExactly(ADA.key(), "b4", "28:orgid:abc");
    }

    @Test
    void configuredTopicNamesDispatchToo() throws Exception {
        ReferenceDecoder renamed = new ReferenceDecoder(new ReferenceSettings("dir", "sites", "lines"));

        assertThat(renamed.decode("sites", "b4", json(B4)).kind).isEqualTo(Kind.SITE);
        assertThatThrownBy(() -> renamed.decode(ReferenceTopics.SITES, "b4", json(B4)))
                .hasMessage("the record's topic is not a reference topic");
    }

    static Stream<Arguments> invalid() {
        String ada = new String(json(ADA), java.nio.charset.StandardCharsets.UTF_8);
        return Stream.of(
                Arguments.of(ReferenceTopics.DIRECTORY, ADA.key(), "{\"tenant_id\":\"secret-tenant\"",
                        "directory user: the value is not JSON"),
                Arguments.of(ReferenceTopics.DIRECTORY, ADA.key(), "[\"Ada Lovelace\"]",
                        "directory user: a directory user is a JSON object"),
                Arguments.of(ReferenceTopics.DIRECTORY, ADA.key(), ada.replace("\"user_id\":\"" + USER_ID + "\",", ""),
                        "directory user: user_id is missing or empty"),
                Arguments.of(ReferenceTopics.DIRECTORY, ADA.key(),
                        ada.replace("\"department\":\"Engineering\"", "\"department\":42"),
                        "directory user: department is a number, not a string"),
                Arguments.of(ReferenceTopics.DIRECTORY, "other-tenant|" + USER_ID, ada,
                        "directory user: the record key is not the key of the record it holds"),
                Arguments.of(ReferenceTopics.SITES, "b4", "{\"site_id\":\"b4\",\"name\":\"Building 4\"}",
                        "site: match_terms is missing or empty"),
                Arguments.of(ReferenceTopics.SITES, "b4",
                        "{\"site_id\":\"b4\",\"name\":\"B\",\"match_terms\":[\"B\"],\"latitude\":\"north\"}",
                        "site: latitude is a string, not a number"),
                Arguments.of(ReferenceTopics.SECURITY_LINES, "4:+15550100", "{}",
                        "security line: line_id is missing or empty"),
                Arguments.of(ReferenceTopics.SECURITY_LINES, "4:+15550100", "",
                        "security line: a security line is a JSON object"),
                Arguments.of(ReferenceTopics.SITES, null, null, "site: a tombstone without a key"),
                Arguments.of("teams-events", "b4", "{}", "the record's topic is not a reference topic"),
                Arguments.of(null, "b4", "{}", "the record's topic is not a reference topic"));
    }

    @ParameterizedTest(name = "{3}")
    @MethodSource("invalid")
    void aRecordThatBreaksTheContractIsRefusedWithoutQuotingIt(String topic, String key, String value,
            String message) {
        assertThatThrownBy(() -> decoder.decode(topic, key, value == null ? null : bytes(value)))
                .isInstanceOf(ContractFormatException.class)
                .hasMessage(message);
    }
}
