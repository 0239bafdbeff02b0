package dev.beacon.job.reference;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.contracts.records.DirectoryUserRecord;
import dev.beacon.contracts.records.SecurityLineRecord;
import dev.beacon.contracts.records.SiteRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Contract records with recognisable values, as the control plane publishes them. */
final class ReferenceSamples {

    static final String TENANT = "6e5a1b2c-0000-4000-8000-000000000001";
    static final String USER_ID = "2f1d3c4b-0000-4000-8000-00000000a11a";

    static final DirectoryUserRecord ADA = new DirectoryUserRecord(TENANT, USER_ID, "Ada Lovelace",
            "ada@contoso.example", "Engineering", "Analyst", "B4-201", List.of("+1 555 0123"), "+1 555 0999");
    static final SiteRecord B4 = new SiteRecord("b4", TENANT, "Building 4", List.of("Building 4", "B4"),
            "1 Main St, Redmond", "4", "2", 47.64, -122.13, List.of("Security desk"));
    static final SecurityLineRecord DESK = new SecurityLineRecord("4:+15550100", "integration-1", TENANT,
            "Campus security", "security@contoso.example", "+15550100", null);

    private static final ObjectMapper M = new ObjectMapper();

    private ReferenceSamples() {}

    static byte[] json(DirectoryUserRecord r) {
        return bytes(r.toJson(M).toString());
    }

    static byte[] json(SiteRecord r) {
        return bytes(r.toJson(M).toString());
    }

    static byte[] json(SecurityLineRecord r) {
        return bytes(r.toJson(M).toString());
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
