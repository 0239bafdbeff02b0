package dev.beacon.control.directory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.control.backfill.RequestPacer;
import dev.beacon.control.subscriptions.SubscriptionRig;
import dev.beacon.testing.KafkaFixture;
import dev.beacon.testing.PostgresFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A {@link SubscriptionRig} (PostgreSQL, emulator, the delegated integration {@code acme} of tenant
 * {@code contoso.com}) plus a compacted directory topic on real Kafka and a {@link DirectorySync} wired like the
 * control plane's, with a pacer that records its waits instead of sleeping. Settings: interval 1 h, 5 requests/s,
 * retry base 1 min.
 */
final class DirectoryRig implements AutoCloseable {

    static final String TENANT = "contoso.com";
    static final ObjectMapper JSON = new ObjectMapper();

    final SubscriptionRig rig;
    final KafkaFixture kafka;
    final String topic = "beacon-directory-" + UUID.randomUUID();
    final List<Duration> pacerWaits = new CopyOnWriteArrayList<>();
    final DirectorySettings settings = new DirectorySettings(Duration.ofHours(1), 5, Duration.ofMinutes(1));
    final DirectorySyncStore store;
    final DirectoryCounters counters;
    final DirectoryPublisher publisher;
    final DirectorySync sync;

    DirectoryRig(PostgresFixture pg, KafkaFixture kafka, Path exportDir) {
        this.rig = new SubscriptionRig(pg, exportDir);
        this.kafka = kafka;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("could not create the directory topic", e);
        }
        store = new DirectorySyncStore(rig.sql);
        counters = new DirectoryCounters(rig.clock);
        publisher = DirectoryPublisher.create(kafka.bootstrapServers(), topic);
        sync = sync(publisher);
    }

    /** A sync publishing with {@code p} (another producer: a broker that is down). */
    DirectorySync sync(DirectoryPublisher p) {
        RequestPacer pacer = new RequestPacer(settings.ratePerSecond(), () -> 0L, pacerWaits::add);
        return new DirectorySync(rig.integrations, store, new DirectoryDelta(rig.graph, pacer), p, topicKeys(),
                settings, counters, rig.clock);
    }

    DirectoryTopicKeys topicKeys() {
        return new DirectoryTopicKeys(kafka.bootstrapServers(), topic, Duration.ofSeconds(30));
    }

    /** Puts a user into the emulator's directory of {@link #TENANT}; returns its Graph JSON. */
    ObjectNode user(String id, String name, String department, String... phones) {
        ObjectNode u = JSON.createObjectNode();
        u.put("id", id);
        u.put("displayName", name);
        u.put("userPrincipalName", name.toLowerCase().replace(' ', '.') + "@contoso.com");
        u.put("department", department);
        u.put("jobTitle", "Engineer");
        u.put("officeLocation", "Building 7");
        var p = u.putArray("businessPhones");
        for (String phone : phones) {
            p.add(phone);
        }
        u.putNull("mobilePhone");
        u.put("mail", name.toLowerCase().replace(' ', '.') + "@contoso.com"); // not selected: must not travel
        rig.emulator.directory().putUser(TENANT, u);
        return u;
    }

    /** One record of the topic: key and value text (null for a tombstone). */
    record Rec(String key, String value) {}

    List<Rec> records() {
        List<Rec> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(topic, false)) {
            out.add(new Rec(new String(r.key(), StandardCharsets.UTF_8),
                    r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8)));
        }
        return out;
    }

    long deltaCalls() {
        return rig.emulator.countCalls("GET", "/v1\\.0/users/delta");
    }

    @Override
    public void close() {
        sync.close();
        rig.close();
    }
}
