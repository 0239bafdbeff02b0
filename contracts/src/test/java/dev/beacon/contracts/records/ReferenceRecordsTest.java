package dev.beacon.contracts.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.contracts.records.ContractFormatException.Problem;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reference records of the compacted topics (directory, sites, security lines) survive the trip through bytes
 * in exactly the documented shape, and name the field and problem when a record breaks the contract.
 */
class ReferenceRecordsTest {

    private final ObjectMapper m = new ObjectMapper();

    private JsonNode trip(JsonNode n) throws Exception {
        return m.readTree(m.writeValueAsBytes(n));
    }

    @FunctionalInterface
    interface Parser {
        Object parse(JsonNode n) throws ContractFormatException;
    }

    private void assertProblem(Parser parser, String json, String field, Problem problem) throws Exception {
        ContractFormatException e = catchThrowableOfType(ContractFormatException.class,
                () -> parser.parse(m.readTree(json)));
        assertThat(e).as(json).isNotNull();
        assertThat(e.field()).as(json).isEqualTo(field);
        assertThat(e.problem()).as(json).isEqualTo(problem);
    }

    // ---- directory ------------------------------------------------------------------------------------------------

    @Test
    void directoryUserRoundTripsInItsTopicShapeWithALowerCaseKey() throws Exception {
        DirectoryUserRecord r = new DirectoryUserRecord("Contoso-Tenant", "6F1C2A3B-0000-4000-8000-00000000000A",
                "Ada Lovelace", "ada@contoso.com", "Security", "Engineer", "Building 7",
                List.of("+1 555 0100", "+1 555 0101"), "+1 555 0199");

        JsonNode json = trip(r.toJson(m));

        assertThat(json.toString()).isEqualTo("{\"tenant_id\":\"Contoso-Tenant\",\"user_id\":"
                + "\"6F1C2A3B-0000-4000-8000-00000000000A\",\"display_name\":\"Ada Lovelace\","
                + "\"user_principal_name\":\"ada@contoso.com\",\"department\":\"Security\",\"job_title\":\"Engineer\","
                + "\"office_location\":\"Building 7\",\"business_phones\":[\"+1 555 0100\",\"+1 555 0101\"],"
                + "\"mobile_phone\":\"+1 555 0199\"}");
        assertThat(DirectoryUserRecord.fromJson(json)).isEqualTo(r);
        assertThat(r.key()).isEqualTo("contoso-tenant|6f1c2a3b-0000-4000-8000-00000000000a");
        assertThat(r.key()).isEqualTo(ReferenceTopics.directoryKey("CONTOSO-tenant",
                "6f1c2a3b-0000-4000-8000-00000000000a"));
    }

    @Test
    void directoryUserNeedsOnlyTheIds() throws Exception {
        DirectoryUserRecord bare = new DirectoryUserRecord("t", "u", null, null, null, null, null, null, null);

        assertThat(bare.businessPhones()).isEmpty();
        assertThat(DirectoryUserRecord.fromJson(trip(bare.toJson(m)))).isEqualTo(bare);
        assertThat(DirectoryUserRecord.fromJson(m.readTree("{\"tenant_id\":\"t\",\"user_id\":\"u\"}")))
                .isEqualTo(bare);
        assertThat(DirectoryUserRecord.fromJson(m.readTree("{\"tenant_id\":\"t\",\"user_id\":\"u\","
                + "\"business_phones\":null}"))).isEqualTo(bare);
    }

    @Test
    void directoryUserProblemsNameTheField() throws Exception {
        Parser p = DirectoryUserRecord::fromJson;
        assertProblem(p, "{\"user_id\":\"u\"}", "tenant_id", Problem.MISSING);
        assertProblem(p, "{\"tenant_id\":\"t\",\"user_id\":\"  \"}", "user_id", Problem.MISSING);
        assertProblem(p, "{\"tenant_id\":\"t\",\"user_id\":7}", "user_id", Problem.WRONG_TYPE);
        assertProblem(p, "{\"tenant_id\":\"t\",\"user_id\":\"u\",\"department\":[\"x\"]}", "department",
                Problem.WRONG_TYPE);
        assertProblem(p, "{\"tenant_id\":\"t\",\"user_id\":\"u\",\"business_phones\":\"+1 555\"}",
                "business_phones", Problem.WRONG_TYPE);
        assertProblem(p, "{\"tenant_id\":\"t\",\"user_id\":\"u\",\"business_phones\":[\"+1\",5]}",
                "business_phones", Problem.WRONG_TYPE);
        assertProblem(p, "[]", null, Problem.INVALID);
        assertProblem(p, "null", null, Problem.INVALID);
    }

    // ---- sites ----------------------------------------------------------------------------------------------------

    @Test
    void siteRoundTripsInItsTopicShape() throws Exception {
        SiteRecord r = new SiteRecord("hq-b7", "contoso-tenant", "HQ Building 7", List.of("Building 7", "B7-NET"),
                "1 Main St, Springfield", "7", "3", 47.6396, -122.1283, List.of("Security desk", "+1 555 0111"));

        JsonNode json = trip(r.toJson(m));

        assertThat(json.toString()).isEqualTo("{\"site_id\":\"hq-b7\",\"tenant_id\":\"contoso-tenant\",\"name\":"
                + "\"HQ Building 7\",\"match_terms\":[\"Building 7\",\"B7-NET\"],\"address\":"
                + "\"1 Main St, Springfield\",\"building\":\"7\",\"floor\":\"3\",\"latitude\":47.6396,"
                + "\"longitude\":-122.1283,\"responders\":[\"Security desk\",\"+1 555 0111\"]}");
        assertThat(SiteRecord.fromJson(json)).isEqualTo(r);
    }

    @Test
    void siteOfEveryTenantWithoutCoordinatesRoundTrips() throws Exception {
        SiteRecord r = new SiteRecord("any", null, "Anywhere", List.of("anywhere"), null, null, null, null, null,
                null);

        assertThat(r.responders()).isEmpty();
        assertThat(SiteRecord.fromJson(trip(r.toJson(m)))).isEqualTo(r);
        assertThat(SiteRecord.fromJson(m.readTree("{\"site_id\":\"any\",\"name\":\"Anywhere\",\"match_terms\":"
                + "[\"anywhere\"],\"latitude\":47}")).latitude()).isEqualTo(47.0);
    }

    @Test
    void siteProblemsNameTheField() throws Exception {
        Parser p = SiteRecord::fromJson;
        assertProblem(p, "{\"site_id\":\"s\",\"name\":\"n\"}", "match_terms", Problem.MISSING);
        assertProblem(p, "{\"site_id\":\"s\",\"name\":\"n\",\"match_terms\":[]}", "match_terms", Problem.MISSING);
        assertProblem(p, "{\"site_id\":\"s\",\"name\":\"n\",\"match_terms\":\"b7\"}", "match_terms",
                Problem.WRONG_TYPE);
        assertProblem(p, "{\"name\":\"n\",\"match_terms\":[\"b7\"]}", "site_id", Problem.MISSING);
        assertProblem(p, "{\"site_id\":\"s\",\"match_terms\":[\"b7\"]}", "name", Problem.MISSING);
        assertProblem(p, "{\"site_id\":\"s\",\"name\":\"n\",\"match_terms\":[\"b7\"],\"latitude\":\"47.6\"}",
                "latitude", Problem.WRONG_TYPE);
        assertProblem(p, "{\"site_id\":\"s\",\"name\":\"n\",\"match_terms\":[\"b7\"],\"responders\":[1]}",
                "responders", Problem.WRONG_TYPE);
        assertProblem(p, "\"site\"", null, Problem.INVALID);
    }

    // ---- security lines -------------------------------------------------------------------------------------------

    @Test
    void securityLineRoundTripsInItsTopicShape() throws Exception {
        SecurityLineRecord r = new SecurityLineRecord("28:orgid:0a1b2c3d-0000-4000-8000-000000000001", "acme",
                "contoso-tenant", "Security Hotline", "security-line@contoso.com", "+15550100",
                "acs-resource-1");

        JsonNode json = trip(r.toJson(m));

        assertThat(json.toString()).isEqualTo("{\"line_id\":\"28:orgid:0a1b2c3d-0000-4000-8000-000000000001\","
                + "\"integration_id\":\"acme\",\"tenant_id\":\"contoso-tenant\",\"display_name\":\"Security Hotline\","
                + "\"user_principal_name\":\"security-line@contoso.com\",\"phone_number\":\"+15550100\","
                + "\"acs_resource_id\":\"acs-resource-1\"}");
        assertThat(SecurityLineRecord.fromJson(json)).isEqualTo(r);
        SecurityLineRecord bare = new SecurityLineRecord("4:+15550100", null, null, null, null, null, null);
        assertThat(SecurityLineRecord.fromJson(trip(bare.toJson(m)))).isEqualTo(bare);
    }

    @Test
    void securityLineProblemsNameTheField() throws Exception {
        Parser p = SecurityLineRecord::fromJson;
        assertProblem(p, "{\"integration_id\":\"acme\"}", "line_id", Problem.MISSING);
        assertProblem(p, "{\"line_id\":\"\"}", "line_id", Problem.MISSING);
        assertProblem(p, "{\"line_id\":15550100}", "line_id", Problem.WRONG_TYPE);
        assertProblem(p, "{\"line_id\":\"4:+15550100\",\"phone_number\":15550100}", "phone_number",
                Problem.WRONG_TYPE);
        assertProblem(p, "[\"4:+15550100\"]", null, Problem.INVALID);
    }

    @Test
    void lineIdOfTurnsWhatOpsTypeIntoTheRawIdOfIncomingCall() {
        // Phone numbers: E.164 digits behind 4:+, whatever the punctuation.
        assertThat(SecurityLineRecord.lineIdOf("+1 555 0100")).isEqualTo("4:+15550100");
        assertThat(SecurityLineRecord.lineIdOf(" +1 (555) 010-0 ")).isEqualTo("4:+15550100");
        assertThat(SecurityLineRecord.lineIdOf("15550100")).isEqualTo("4:+15550100");
        // Raw ids stay raw, though "4:" and "28:" begin with a digit.
        assertThat(SecurityLineRecord.lineIdOf("4:+15550100")).isEqualTo("4:+15550100");
        assertThat(SecurityLineRecord.lineIdOf("4:+1 (555) 010-0")).isEqualTo("4:+15550100");
        assertThat(SecurityLineRecord.lineIdOf("8:acs:Resource_Abc")).isEqualTo("8:acs:Resource_Abc");
        // A Teams resource account: the GUID lower case, the prefix normalized.
        assertThat(SecurityLineRecord.lineIdOf("28:orgid:0A1B2C3D-0000-4000-8000-00000000000F"))
                .isEqualTo("28:orgid:0a1b2c3d-0000-4000-8000-00000000000f");
        assertThat(SecurityLineRecord.lineIdOf("28:OrgId:0A1B2C3D-0000-4000-8000-00000000000F"))
                .isEqualTo("28:orgid:0a1b2c3d-0000-4000-8000-00000000000f");
        // Anything else as typed (stripped); nothing as empty.
        assertThat(SecurityLineRecord.lineIdOf(" security-desk ")).isEqualTo("security-desk");
        assertThat(SecurityLineRecord.lineIdOf(null)).isEmpty();
        assertThat(SecurityLineRecord.lineIdOf("   ")).isEmpty();
    }
}
