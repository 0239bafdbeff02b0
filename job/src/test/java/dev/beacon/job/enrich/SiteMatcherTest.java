package dev.beacon.job.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.job.correlate.StructuredLocation;
import dev.beacon.job.reference.ReferenceUpdate.Site;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SiteMatcherTest {

    private static final String TENANT = "6E5A1B2C-0000-4000-8000-000000000001";
    private static final String OTHER_TENANT = "6e5a1b2c-0000-4000-8000-000000000002";

    private static Site site(String id, String tenant, String... terms) {
        Site s = new Site();
        s.siteId = id;
        s.tenantId = tenant;
        s.name = "Site " + id;
        s.matchTerms = new ArrayList<>(Arrays.asList(terms));
        return s;
    }

    /** The sites every row of the table is matched against (in an order the rules must not depend on). */
    private static final List<Site> SITES = List.of(
            site("hq-b4", null, "Building 4", "B4"),
            site("hq-b4n", null, "Building 4 North"),
            site("own-b4", TENANT, "B4"),
            site("other-lab", OTHER_TENANT, "Lab"),
            site("z-lobby", null, "Lobby"),
            site("a-lobby", null, "lobby"),
            site("cafe", null, "Café"),
            site("dash", null, "B-12"),
            site("plus", null, "+1 Annex"),
            site("blank", null, " ", ""));

    static Stream<Arguments> table() {
        return Stream.of(
                // location text, tenant, expected site id (null: no site)
                Arguments.of("Building 4, floor 2", "t-other", "hq-b4"),
                Arguments.of("building   4 floor 2", "t-other", "hq-b4"), // case and whitespace runs
                Arguments.of("Building 4 North, room 12", "t-other", "hq-b4n"), // longest term wins
                Arguments.of("near B4", "t-other", "hq-b4"),
                Arguments.of("near B4", TENANT.toLowerCase(), "own-b4"), // tenant's own site first, any case
                Arguments.of("Building 4 North by B4", TENANT, "own-b4"), // own site even with a shorter term
                Arguments.of("AB42 east wing", "t-other", null), // not on a word boundary
                Arguments.of("Building 45", "t-other", null),
                Arguments.of("Building 4s", "t-other", null),
                Arguments.of("Lab 3", TENANT, null), // another tenant's site never matches
                Arguments.of("Lab 3", OTHER_TENANT, "other-lab"),
                Arguments.of("main LOBBY", "t-other", "a-lobby"), // tie on length: smallest site id
                Arguments.of("CAFÉ on 1", "t-other", "cafe"),
                Arguments.of("B-12, desk", "t-other", "dash"),
                Arguments.of("room+1 Annex", "t-other", "plus"), // a term edge that is no letter needs no boundary
                Arguments.of("", "t-other", null),
                Arguments.of("   ", "t-other", null),
                Arguments.of(null, "t-other", null),
                Arguments.of("Building 4", null, "hq-b4"));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" / {1} -> {2}")
    @MethodSource("table")
    void matchesTheTable(String locationText, String tenant, String expectedSiteId) {
        StructuredLocation l = SiteMatcher.match(SITES, tenant, locationText);

        assertThat(l == null ? null : l.siteId).isEqualTo(expectedSiteId);
        List<Site> reversed = new ArrayList<>(SITES);
        Collections.reverse(reversed);
        StructuredLocation again = SiteMatcher.match(reversed, tenant, locationText);
        assertThat(again == null ? null : again.siteId).as("independent of the order of the sites")
                .isEqualTo(expectedSiteId);
    }

    @Test
    void givesEveryFieldOfTheSite() {
        Site s = site("b4", null, "Building 4");
        s.name = "Building 4";
        s.address = "1 Main St, Redmond";
        s.building = "4";
        s.floor = "2";
        s.latitude = 47.64;
        s.longitude = -122.13;
        s.responders = new ArrayList<>(List.of("Security desk", "+15550199"));

        StructuredLocation l = SiteMatcher.match(List.of(s), "t", "Building 4");

        StructuredLocation expected = new StructuredLocation();
        expected.source = StructuredLocation.FROM_SITE;
        expected.siteId = "b4";
        expected.siteName = "Building 4";
        expected.address = "1 Main St, Redmond";
        expected.building = "4";
        expected.floor = "2";
        expected.latitude = 47.64;
        expected.longitude = -122.13;
        expected.responders = new ArrayList<>(List.of("Security desk", "+15550199"));
        assertThat(l).isEqualTo(expected);
        s.responders.add("later");
        assertThat(l.responders).as("a copy, not the site's list").hasSize(2);
    }

    @Test
    void noSitesNoMatch() {
        assertThat(SiteMatcher.match(List.of(), "t", "Building 4")).isNull();
        assertThat(SiteMatcher.match(null, "t", "Building 4")).isNull();
        Site noTerms = site("x", null);
        noTerms.matchTerms = null;
        assertThat(SiteMatcher.match(Arrays.asList(null, noTerms), "t", "Building 4")).isNull();
    }
}
