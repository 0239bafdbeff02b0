package dev.beacon.job.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.job.correlate.EmergencyCallFact;
import dev.beacon.job.reference.ReferenceUpdate.DirectoryUser;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DirectoryEnrichmentTest {

    private static DirectoryUser ada() {
        DirectoryUser u = new DirectoryUser();
        u.tenantId = "tenant-1";
        u.userId = "user-1";
        u.displayName = "Ada Lovelace";
        u.userPrincipalName = "ada@contoso.example";
        u.department = "Engineering";
        u.jobTitle = "Analyst";
        u.officeLocation = "B4-201";
        u.businessPhones = new ArrayList<>(List.of("+1 555 0123", "+1 555 0124"));
        u.mobilePhone = "+1 555 0999";
        return u;
    }

    private static EmergencyCallFact chatFact() {
        EmergencyCallFact f = new EmergencyCallFact();
        f.factId = "6f1c2a9e-4b7d-5c3e-9a1f-2d8e7b6c5a41";
        f.tenantId = "tenant-1";
        f.callerUserId = "user-1";
        f.revision = 1;
        return f;
    }

    /** Caller fields as {upn, phone, department, jobTitle, office, displayName}. */
    private static List<String> callerFields(EmergencyCallFact f) {
        return Arrays.asList(f.callerUpn, f.callerPhoneNumber, f.callerDepartment, f.callerJobTitle,
                f.callerOfficeLocation, f.callerDisplayName);
    }

    static Stream<Arguments> table() {
        return Stream.of(
                // case, what the fact has (upn, phone, department, job title, office, name), what the user lacks,
                // expected caller fields, expected "changed"
                Arguments.of("a chat-only fact gets everything",
                        fields(null, null, null, null, null, null), "",
                        fields("ada@contoso.example", "+1 555 0123", "Engineering", "Analyst", "B4-201",
                                "Ada Lovelace"), true),
                Arguments.of("the event's UPN and number stay",
                        fields("ADA@contoso.example", "+15550100", null, null, null, null), "",
                        fields("ADA@contoso.example", "+15550100", "Engineering", "Analyst", "B4-201",
                                "Ada Lovelace"), true),
                Arguments.of("the chat's display name stays",
                        fields(null, null, null, null, null, "Ada L."), "",
                        fields("ada@contoso.example", "+1 555 0123", "Engineering", "Analyst", "B4-201", "Ada L."),
                        true),
                Arguments.of("blank counts as none",
                        fields(" ", "", null, null, null, null), "",
                        fields("ada@contoso.example", "+1 555 0123", "Engineering", "Analyst", "B4-201",
                                "Ada Lovelace"), true),
                Arguments.of("no business phone: the mobile",
                        fields(null, null, null, null, null, null), "businessPhones",
                        fields("ada@contoso.example", "+1 555 0999", "Engineering", "Analyst", "B4-201",
                                "Ada Lovelace"), true),
                Arguments.of("no phone at all, no department",
                        fields(null, null, null, null, null, null), "businessPhones,mobilePhone,department",
                        fields("ada@contoso.example", null, null, "Analyst", "B4-201", "Ada Lovelace"), true),
                Arguments.of("everything known already: unchanged",
                        fields("u", "p", "d", "j", "o", "n"), "",
                        fields("u", "p", "d", "j", "o", "n"), false),
                Arguments.of("a user with nothing: unchanged",
                        fields(null, null, null, null, null, null),
                        "userPrincipalName,department,jobTitle,officeLocation,businessPhones,mobilePhone,displayName",
                        fields(null, null, null, null, null, null), false));
    }

    private static List<String> fields(String... values) {
        return Arrays.asList(values);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void fillsOnlyWhatTheFactLacks(String name, List<String> has, String userLacks, List<String> expected,
            boolean changed) {
        EmergencyCallFact f = chatFact();
        f.callerUpn = has.get(0);
        f.callerPhoneNumber = has.get(1);
        f.callerDepartment = has.get(2);
        f.callerJobTitle = has.get(3);
        f.callerOfficeLocation = has.get(4);
        f.callerDisplayName = has.get(5);
        DirectoryUser u = ada();
        for (String field : userLacks.split(",")) {
            switch (field) {
                case "" -> { }
                case "userPrincipalName" -> u.userPrincipalName = null;
                case "department" -> u.department = " ";
                case "jobTitle" -> u.jobTitle = null;
                case "officeLocation" -> u.officeLocation = null;
                case "businessPhones" -> u.businessPhones = new ArrayList<>(List.of(""));
                case "mobilePhone" -> u.mobilePhone = null;
                case "displayName" -> u.displayName = null;
                default -> throw new IllegalArgumentException(field);
            }
        }
        EmergencyCallFact before = f.copy();

        assertThat(DirectoryEnrichment.apply(u, f)).isEqualTo(changed);

        assertThat(callerFields(f)).isEqualTo(expected);
        // Nothing else moves: the fact is the same apart from the caller fields.
        before.callerUpn = f.callerUpn;
        before.callerPhoneNumber = f.callerPhoneNumber;
        before.callerDepartment = f.callerDepartment;
        before.callerJobTitle = f.callerJobTitle;
        before.callerOfficeLocation = f.callerOfficeLocation;
        before.callerDisplayName = f.callerDisplayName;
        assertThat(f).isEqualTo(before);
    }

    @Test
    void nothingToApply() {
        EmergencyCallFact f = chatFact();
        assertThat(DirectoryEnrichment.apply(null, f)).isFalse();
        assertThat(DirectoryEnrichment.apply(ada(), null)).isFalse();
        assertThat(f).isEqualTo(chatFact());
    }

    @Test
    void thePhoneIsTheFirstBusinessPhoneElseTheMobile() {
        DirectoryUser u = ada();
        assertThat(DirectoryEnrichment.phoneOf(u)).isEqualTo("+1 555 0123");
        u.businessPhones = null;
        assertThat(DirectoryEnrichment.phoneOf(u)).isEqualTo("+1 555 0999");
        u.mobilePhone = "";
        assertThat(DirectoryEnrichment.phoneOf(u)).isNull();
    }
}
