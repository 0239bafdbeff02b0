package dev.beacon.local;

import dev.beacon.job.BeaconJob;
import dev.beacon.job.testing.LocalStack;
import dev.beacon.job.testing.SampleStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The README's first command: Beacon on one machine with embedded defaults. Starts Kafka and PostgreSQL in-process,
 * publishes the sample stream, runs the job on a local MiniCluster (RocksDB, checkpoints), prints what it found and
 * exits. {@code --keep-running} leaves Kafka and PostgreSQL up until Ctrl-C; {@code --replay FILE --facts-out FILE}
 * runs replay mode instead (same as {@code BeaconJob}, with Flink on the classpath).
 */
public final class LocalBeacon {

    public static void main(String[] rawArgs) throws Exception {
        // Maven passes the profile's arguments as one string; split it the way a shell would (no quoting needed).
        List<String> args = Arrays.stream(rawArgs).flatMap(a -> Arrays.stream(a.trim().split("\\s+")))
                .filter(a -> !a.isEmpty()).toList();
        if (args.contains("--replay")) {
            BeaconJob.main(args.toArray(new String[0]));
            return;
        }
        boolean keepRunning = args.contains("--keep-running");
        Path dir = Files.createTempDirectory("beacon-local");
        say("Starting an in-process Kafka broker and an embedded PostgreSQL ...");
        try (LocalStack stack = LocalStack.start(dir, 2)) {
            List<SampleStream.Record> published = stack.publishSampleStream();
            say("Published " + published.size() + " records to '" + SampleStream.TOPIC + "':");
            for (int i = 0; i < published.size(); i++) {
                say(String.format("  %2d  %s", i, published.get(i).what()));
            }
            say("Running the Beacon job on a local Flink MiniCluster (RocksDB, incremental checkpoints) ...");
            Configuration flink = new Configuration();
            flink.set(RestOptions.BIND_PORT, "0");
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, flink);
            long started = System.nanoTime();
            stack.runJob(env, stack.jobConfiguration());
            say(String.format("The job consumed the stream and finished in %.1f s.%n", (System.nanoTime() - started) / 1e9));
            report(stack);
            if (keepRunning) {
                say("Kafka and PostgreSQL keep running; press Ctrl-C to stop.");
                Thread.currentThread().join();
            }
        }
    }

    private static void report(LocalStack stack) {
        var pg = stack.postgres;
        say("Emergency-call facts (table emergency_call):");
        for (Map<String, Object> row : pg.query("SELECT fact_id, caller_display_name, dialed_number, is_test_call, "
                + "location_text, call_started_at, notification_count, deleted_count, revision "
                + "FROM emergency_call ORDER BY call_started_at")) {
            say("  " + row);
        }
        say("\nAudit outcomes (table notification_audit):");
        for (Map<String, Object> row : pg.query(
                "SELECT outcome, count(*) AS notifications FROM notification_audit GROUP BY outcome ORDER BY outcome")) {
            say("  " + row.get("outcome") + ": " + row.get("notifications"));
        }
        say("\nDead letters (table dead_letter):");
        for (Map<String, Object> row : pg.query(
                "SELECT source_offset, item_index, reason, detail FROM dead_letter ORDER BY source_offset")) {
            say("  " + row);
        }
        say("\nKafka topics: " + LocalStack.FACTS_TOPIC + "=" + stack.kafka.readAll(LocalStack.FACTS_TOPIC, true).size()
                + " records, " + LocalStack.DEAD_LETTER_TOPIC + "=" + stack.kafka.readAll(LocalStack.DEAD_LETTER_TOPIC, true).size()
                + ", " + LocalStack.LIFECYCLE_TOPIC + "=" + stack.kafka.readAll(LocalStack.LIFECYCLE_TOPIC, true).size()
                + ", " + LocalStack.HYDRATION_TOPIC + "=" + stack.kafka.readAll(LocalStack.HYDRATION_TOPIC, true).size());
        say("\nQuery them (while running with -Dbeacon.demo.args=--keep-running):");
        say("  psql '" + pg.jdbcUrl().replace("jdbc:", "") + "' -U " + pg.user()
                + "   (password in " + stack.dir.resolve("jdbc-password") + ")");
        say("  kafka bootstrap servers: " + stack.kafka.bootstrapServers());
        say("  e.g. SELECT * FROM v_emergency_calls;  SELECT * FROM v_fact_audit_trail;  SELECT * FROM v_dead_letter_summary;");
    }

    private static void say(String line) {
        System.out.println(line);
    }
}
