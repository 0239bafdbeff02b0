package dev.beacon.control.sites;

import dev.beacon.testing.KafkaFixture;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/** The compacted reference topics as a test sees them: every record as {@code key=value} text, in order. */
public final class ReferenceTopicsProbe {

    public static final String TOMBSTONE = "<tombstone>";

    private ReferenceTopicsProbe() {}

    /** Creates the topics as ops do: compacted, one partition here. */
    public static void createCompacted(KafkaFixture kafka, String... topics) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(java.util.Arrays.stream(topics).map(t -> new NewTopic(t, 1, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact"))).toList()).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the reference topics", e);
        }
    }

    /** Every record of {@code topic}, as {@code key=value} (a tombstone's value is {@value #TOMBSTONE}). */
    public static List<String> records(KafkaFixture kafka, String topic) {
        return kafka.readAll(topic, false).stream().map(r -> new String(r.key(), StandardCharsets.UTF_8) + "="
                + (r.value() == null ? TOMBSTONE : new String(r.value(), StandardCharsets.UTF_8))).toList();
    }

    /** The records after the first {@code skip}. */
    public static List<String> recordsAfter(KafkaFixture kafka, String topic, int skip) {
        List<String> all = records(kafka, topic);
        return all.subList(Math.min(skip, all.size()), all.size());
    }
}
