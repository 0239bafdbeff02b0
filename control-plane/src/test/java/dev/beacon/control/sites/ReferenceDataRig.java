package dev.beacon.control.sites;

import dev.beacon.contracts.records.ReferenceTopics;
import dev.beacon.control.ControlPlaneService;
import dev.beacon.control.ControlPlaneSettings;
import dev.beacon.control.cli.BeaconCtl;
import dev.beacon.control.emulator.MicrosoftEmulator;
import dev.beacon.control.signin.SignInSettings;
import dev.beacon.control.testing.MutableClock;
import dev.beacon.control.vault.SealedBox;
import dev.beacon.testing.KafkaFixture;
import dev.beacon.testing.PostgresFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * The real control plane service for the sites and lines tests: PostgreSQL (the test's fixture), an in-process
 * Kafka broker with the compacted reference topics, the Microsoft emulator, and {@code beaconctl} run in-process
 * against the service's HTTP API. The background loop only adds rounds (1 h interval); tests drive what they need.
 */
public final class ReferenceDataRig implements AutoCloseable {

    public static final String ADMIN_TOKEN = "admin-token-reference-0123456789";

    /** What one beaconctl run printed, and its exit code. */
    public record Cli(int exit, String out, String err) {}

    public final PostgresFixture pg;
    public final MutableClock clock;
    public final KafkaFixture kafka;
    public final MicrosoftEmulator emulator;
    public final ControlPlaneService.Running service;
    private final Map<String, String> cliEnv;

    private ReferenceDataRig(PostgresFixture pg, MutableClock clock) {
        this.pg = pg;
        this.clock = clock;
        this.kafka = KafkaFixture.start();
        ReferenceTopicsProbe.createCompacted(kafka, ReferenceTopics.SITES, ReferenceTopics.SECURITY_LINES);
        this.emulator = MicrosoftEmulator.start(clock);
        Map<String, String> env = new HashMap<>();
        env.put("BEACON_JDBC_URL", pg.jdbcUrl());
        env.put("BEACON_JDBC_USER", pg.user());
        env.put("BEACON_JDBC_PASSWORD", pg.password());
        env.put("BEACON_VAULT_KEY", SealedBox.newKeyBase64());
        env.put("BEACON_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("BEACON_HTTP_PORT", "0");
        env.put("BEACON_KAFKA_BOOTSTRAP", kafka.bootstrapServers());
        env.put("BEACON_HYDRATION", "off");
        env.put("BEACON_MICROSOFT_ROUTE", emulator.baseUri().toString());
        env.put("BEACON_RECONCILE_INTERVAL", "1h");
        env.put("BEACON_LEASE_DURATION", "3h");
        this.service = ControlPlaneService.start(ControlPlaneSettings.fromEnv(env), clock, SignInSettings.defaults());
        this.cliEnv = Map.of("BEACON_SERVER", "http://127.0.0.1:" + service.port(), "BEACON_ADMIN_TOKEN",
                ADMIN_TOKEN);
    }

    public static ReferenceDataRig start(PostgresFixture pg, MutableClock clock) {
        return new ReferenceDataRig(pg, clock);
    }

    /** One beaconctl invocation in-process. */
    public Cli cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = BeaconCtl.commandLine(cliEnv, clock);
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(args);
        return new Cli(exit, out.toString(), err.toString());
    }

    /** Every record of a topic as {@code key=value} ({@link ReferenceTopicsProbe#records}). */
    public List<String> records(String topic) {
        return ReferenceTopicsProbe.records(kafka, topic);
    }

    /** The records after the first {@code skip}. */
    public List<String> recordsAfter(String topic, int skip) {
        return ReferenceTopicsProbe.recordsAfter(kafka, topic, skip);
    }

    /** The rows of a query, each as its column values in select order. */
    public List<List<Object>> rows(String sql) {
        return pg.query(sql).stream().map(r -> (List<Object>) new ArrayList<>(r.values())).toList();
    }

    public static List<Object> row(Object... values) {
        return Arrays.asList(values);
    }

    @Override
    public void close() throws Exception {
        service.close();
        emulator.close();
        kafka.close();
    }
}
