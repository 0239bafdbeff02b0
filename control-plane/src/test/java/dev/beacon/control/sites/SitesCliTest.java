package dev.beacon.control.sites;

import static dev.beacon.control.sites.ReferenceTopicsProbe.TOMBSTONE;
import static dev.beacon.control.sites.ReferenceTopicsProbe.records;
import static dev.beacon.control.sites.ReferenceTopicsProbe.recordsAfter;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.contracts.records.ReferenceTopics;
import dev.beacon.control.ControlPlaneService;
import dev.beacon.control.http.AdminAuth;
import dev.beacon.control.http.ControlPlaneHttp;
import dev.beacon.control.http.RecordingOperations;
import dev.beacon.control.metrics.ControlPlaneMetrics;
import dev.beacon.control.testing.MutableClock;
import dev.beacon.testing.KafkaFixture;
import dev.beacon.testing.PostgresFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code beaconctl sites} against the real service (HTTP API, PostgreSQL, Kafka): exact rows in {@code site} and
 * exact records and tombstones on {@code beacon-sites}; rejected input changes neither; Kafka down changes nothing.
 */
class SitesCliTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    @TempDir
    static Path dir;

    static final String HEADER =
            "site_id,name,tenant,match_terms,address,building,floor,latitude,longitude,responders";
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    static ReferenceDataRig rig;
    static KafkaFixture kafka;
    static ControlPlaneService.Running cp;

    @BeforeAll
    static void start() {
        rig = ReferenceDataRig.start(PG, CLOCK);
        kafka = rig.kafka;
        cp = rig.service;
    }

    @AfterAll
    static void stop() throws Exception {
        rig.close();
    }

    @BeforeEach
    void emptyTable() {
        PG.execute("DELETE FROM site");
    }

    @Test
    void addListReplaceAndRemovePublishRecordsAndATombstone() {
        int before = records(kafka, ReferenceTopics.SITES).size();
        Cli add = Cli.run("sites", "add", "hq-lobby", "--name", "HQ Lobby", "--match", "NS-HQ-01", "--match",
                "hq lobby", "--match", "Reception", "--address", "1 Main St, Springfield", "--building", "A",
                "--floor", "0", "--lat", "47.6", "--lon=-122.3", "--responder", "Security desk", "--responder",
                "+15550100");
        assertThat(add.exit).as(add.err).isZero();
        assertThat(add.out).isEqualTo("Site hq-lobby stored and published (match terms: HQ Lobby, NS-HQ-01, "
                + "Reception).\n");
        assertThat(rows("SELECT site_id, tenant_id, name, array_to_json(match_terms)::text AS terms, address, "
                + "building, floor, latitude, longitude, array_to_json(responders)::text AS responders, updated_at "
                + "FROM site")).containsExactly(row("hq-lobby", null, "HQ Lobby", "[\"HQ Lobby\",\"NS-HQ-01\","
                + "\"Reception\"]", "1 Main St, Springfield", "A", "0", 47.6, -122.3,
                "[\"Security desk\",\"+15550100\"]", java.sql.Timestamp.from(CLOCK.instant())));
        assertThat(recordsAfter(kafka, ReferenceTopics.SITES, before)).containsExactly("hq-lobby={\"site_id\":"
                + "\"hq-lobby\",\"tenant_id\":null,\"name\":\"HQ Lobby\",\"match_terms\":[\"HQ Lobby\",\"NS-HQ-01\","
                + "\"Reception\"],\"address\":\"1 Main St, Springfield\",\"building\":\"A\",\"floor\":\"0\","
                + "\"latitude\":47.6,\"longitude\":-122.3,\"responders\":[\"Security desk\",\"+15550100\"]}");

        Cli list = Cli.run("sites", "list");
        assertThat(list.exit).isZero();
        assertThat(list.out.lines().toList()).containsExactly(
                "SITE      NAME      TENANT  MATCH TERMS                    ADDRESS                 BUILDING  FLOOR  "
                        + "LAT,LON      RESPONDERS",
                "hq-lobby  HQ Lobby  (all)   HQ Lobby; NS-HQ-01; Reception  1 Main St, Springfield  A         0      "
                        + "47.6,-122.3  Security desk; +15550100");

        CLOCK.advance(Duration.ofMinutes(5));
        Cli replace = Cli.run("sites", "add", "hq-lobby", "--name", "HQ Lobby", "--tenant",
                "6F1C1B0E-0000-4000-8000-00000000C0DE");
        assertThat(replace.exit).as(replace.err).isZero();
        assertThat(rows("SELECT tenant_id, array_to_json(match_terms)::text AS terms, address, latitude, "
                + "array_to_json(responders)::text AS responders FROM site")).containsExactly(
                row("6f1c1b0e-0000-4000-8000-00000000c0de", "[\"HQ Lobby\"]", null, null, "[]"));

        Cli remove = Cli.run("sites", "remove", "hq-lobby");
        assertThat(remove.exit).as(remove.err).isZero();
        assertThat(remove.out).isEqualTo("Removed site hq-lobby.\n");
        assertThat(PG.queryValue("SELECT count(*) FROM site")).isEqualTo(0L);
        assertThat(recordsAfter(kafka, ReferenceTopics.SITES, before + 1)).containsExactly(
                "hq-lobby={\"site_id\":\"hq-lobby\",\"tenant_id\":\"6f1c1b0e-0000-4000-8000-00000000c0de\","
                        + "\"name\":\"HQ Lobby\",\"match_terms\":[\"HQ Lobby\"],\"address\":null,\"building\":null,"
                        + "\"floor\":null,\"latitude\":null,\"longitude\":null,\"responders\":[]}",
                "hq-lobby=" + TOMBSTONE);

        Cli again = Cli.run("sites", "remove", "hq-lobby");
        assertThat(again.exit).isEqualTo(1);
        assertThat(again.err).isEqualTo("error: HTTP 404: no site 'hq-lobby'\n");
        assertThat(records(kafka, ReferenceTopics.SITES)).hasSize(before + 3);
    }

    @Test
    void invalidInputIsRejectedWithAReasonAndChangesNothing() {
        int before = records(kafka, ReferenceTopics.SITES).size();
        assertThat(Cli.run("sites", "add", "HQ Lobby", "--name", "x").err).isEqualTo("error: HTTP 400: site id must "
                + "be 1-64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit\n");
        assertThat(Cli.run("sites", "add", "hq", "--name", "HQ", "--lat", "91", "--lon", "10").err)
                .isEqualTo("error: HTTP 400: latitude must be between -90 and 90 degrees, got 91.0\n");
        assertThat(Cli.run("sites", "add", "hq", "--name", "HQ", "--lat", "10", "--lon", "180.5").err)
                .isEqualTo("error: HTTP 400: longitude must be between -180 and 180 degrees, got 180.5\n");
        assertThat(Cli.run("sites", "add", "hq", "--name", "HQ", "--lat", "10").err)
                .isEqualTo("error: HTTP 400: latitude and longitude go together: give both or neither\n");
        assertThat(Cli.run("sites", "add", "hq", "--name", "H".repeat(201)).err)
                .isEqualTo("error: HTTP 400: name is longer than 200 characters\n");
        assertThat(Cli.run("sites", "add", "hq", "--name", "HQ", "--match", " ").err)
                .isEqualTo("error: HTTP 400: a match term must not be empty\n");
        assertThat(Cli.run("sites", "add", "hq", "--name", "HQ", "--floor", "1\n2").err)
                .isEqualTo("error: HTTP 400: floor must not contain control characters (line breaks, tabs)\n");
        assertThat(Cli.run("sites", "add", "hq", "--name", "HQ", "--tenant", "contoso/../x").err)
                .isEqualTo("error: HTTP 400: tenant must be an Entra tenant id or domain (letters, digits, '.' and "
                        + "'-', at most 100 characters)\n");
        assertThat(Cli.run("sites", "add", "hq", "--name", "HQ", "--lat", "north", "--lon", "1").exit)
                .isEqualTo(2); // picocli: not a number, never sent
        assertThat(PG.queryValue("SELECT count(*) FROM site")).isEqualTo(0L);
        assertThat(records(kafka, ReferenceTopics.SITES)).hasSize(before);
    }

    @Test
    void importAddsEveryRowAndStartupRepublishesTheTable() throws Exception {
        Path csv = Files.writeString(dir.resolve("sites.csv"), HEADER + "\n"
                + "hq-lobby,HQ Lobby,,NS-HQ-01;Reception,\"1 Main St, Springfield\",A,0,47.6,-122.3,Security desk\n"
                + "\n"
                + "plant-2,Plant 2,contoso.com,,,,,,,\n");
        int before = records(kafka, ReferenceTopics.SITES).size();
        Cli imported = Cli.run("sites", "import", csv.toString());
        assertThat(imported.exit).as(imported.err).isZero();
        assertThat(imported.out).isEqualTo("Imported 2 site(s) from sites.csv.\n");
        assertThat(rows("SELECT site_id, tenant_id, array_to_json(match_terms)::text AS terms, address FROM site "
                + "ORDER BY site_id")).containsExactly(
                row("hq-lobby", null, "[\"HQ Lobby\",\"NS-HQ-01\",\"Reception\"]", "1 Main St, Springfield"),
                row("plant-2", "contoso.com", "[\"Plant 2\"]", null));
        List<String> published = recordsAfter(kafka, ReferenceTopics.SITES, before);
        assertThat(published).extracting(r -> r.substring(0, r.indexOf('=')))
                .containsExactly("hq-lobby", "plant-2");

        // the control plane's start publishes the table again: the same records, idempotent on the compacted topic
        cp.controlPlane().referenceData().republishAll();
        assertThat(recordsAfter(kafka, ReferenceTopics.SITES, before + 2)).isEqualTo(published);

        Path bad = Files.writeString(dir.resolve("bad.csv"), HEADER + "\n"
                + "ok-1,OK,,,,,,,,\n" + "bad id,Bad,,,,,,,,\n");
        Cli refused = Cli.run("sites", "import", bad.toString());
        assertThat(refused.exit).isEqualTo(1);
        assertThat(refused.err).isEqualTo("error: line 3 (site bad id): HTTP 400: site id must be 1-64 lower-case "
                + "letters, digits, '.', '_' or '-', starting with a letter or digit; 1 site(s) imported before it\n");
    }

    @Test
    void whenKafkaDoesNotAcknowledgeTheApiAnswers503AndTheRowStaysAsItWas() throws Exception {
        PG.execute("INSERT INTO site (site_id, name, match_terms) VALUES ('kept', 'Kept', '{Kept}')");
        javax.sql.DataSource ds = cp.database().dataSource();
        try (ReferencePublisher down = ReferencePublisher.create("127.0.0.1:1", Duration.ofSeconds(1))) {
            Sites sites = new Sites(ds, down, CLOCK);
            ControlPlaneHttp http = new ControlPlaneHttp(new RecordingOperations(),
                    new ControlPlaneMetrics(new RecordingOperations()::status, CLOCK, Duration.ofSeconds(5)),
                    AdminAuth.token(ReferenceDataRig.ADMIN_TOKEN)).withRoutes(new SiteRoutes(sites)::register)
                    .start("127.0.0.1", 0);
            try {
                HttpResponse<String> put = send(http.port(), "PUT", "/api/sites/new-site", "{\"name\":\"New\"}");
                assertThat(put.statusCode()).isEqualTo(503);
                assertThat(put.body()).startsWith("{\"error\":\"Kafka did not acknowledge the record on beacon-sites");
                HttpResponse<String> delete = send(http.port(), "DELETE", "/api/sites/kept", null);
                assertThat(delete.statusCode()).isEqualTo(503);
                // input is checked before Kafka is asked: a misspelt field is a 400 whatever Kafka does
                HttpResponse<String> typo = send(http.port(), "PUT", "/api/sites/new-site",
                        "{\"name\":\"New\",\"lattitude\":1}");
                assertThat(typo.statusCode()).isEqualTo(400);
                assertThat(typo.body()).isEqualTo("{\"error\":\"the request body has an unknown field 'lattitude'\"}");
            } finally {
                http.close();
            }
        }
        assertThat(rows("SELECT site_id, name FROM site")).containsExactly(row("kept", "Kept"));
    }

    private static HttpResponse<String> send(int port, String method, String path, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Authorization", "Bearer " + ReferenceDataRig.ADMIN_TOKEN)
                        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static List<List<Object>> rows(String sql) {
        return rig.rows(sql);
    }

    static List<Object> row(Object... values) {
        return ReferenceDataRig.row(values);
    }

    /** One beaconctl invocation in-process, with its output. */
    record Cli(int exit, String out, String err) {
        static Cli run(String... args) {
            ReferenceDataRig.Cli c = rig.cli(args);
            return new Cli(c.exit(), c.out(), c.err());
        }
    }
}
