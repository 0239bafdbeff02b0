package dev.beacon.bench.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.contracts.crypto.EncryptedContent;
import dev.beacon.contracts.crypto.RichNotificationCrypto;
import dev.beacon.job.detect.Detection;
import dev.beacon.job.detect.DetectionRules;
import dev.beacon.job.detect.EmergencyDetector;
import java.security.PrivateKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * "What a user might write instead" of Beacon: one thread, a plain {@link KafkaConsumer} loop that checks each
 * notification's clientState, decrypts it (JDK provider, the contract's decryptor), detects with the job's own
 * {@link EmergencyDetector} and INSERTs each emergency into PostgreSQL over JDBC (autocommit, idempotent on the
 * message, so redeliveries are harmless), committing offsets after each polled batch. No dedup state, no
 * correlation, no audit trail, no dead letters: less work than Beacon does, so a fair upper hand for the baseline.
 */
public final class BaselineConsumer {

    private final ObjectMapper json = new ObjectMapper();
    private final EmergencyDetector detector = new EmergencyDetector(DetectionRules.defaults());
    private final RichNotificationCrypto.Decryptor decryptor;
    private final String clientState;

    public BaselineConsumer(PrivateKey key, String certificateId, String clientState) {
        this.decryptor = new RichNotificationCrypto.Decryptor(
                (id, thumbprint) -> certificateId.equals(id) ? Optional.of(key) : Optional.empty());
        this.clientState = clientState;
    }

    /** Consumes {@code records} records of {@code topic} from the beginning; returns how many emergencies it stored. */
    public int consume(String bootstrap, String topic, int records, String jdbcUrl, String user, String password)
            throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", "baseline-" + topic);
        p.put("enable.auto.commit", "false");
        p.put("auto.offset.reset", "earliest");
        int stored = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                Connection db = DriverManager.getConnection(jdbcUrl, user, password)) {
            try (Statement s = db.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS baseline_call (chat_id text, message_id text, caller text, "
                        + "dialed text, location text, PRIMARY KEY (chat_id, message_id))");
            }
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            PreparedStatement insert = db.prepareStatement("INSERT INTO baseline_call VALUES (?, ?, ?, ?, ?) "
                    + "ON CONFLICT DO NOTHING");
            int seen = 0;
            while (seen < records) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    seen++;
                    stored += handle(r.value(), insert);
                }
                consumer.commitSync();
            }
        }
        return stored;
    }

    private int handle(byte[] value, PreparedStatement insert) throws Exception {
        int stored = 0;
        for (JsonNode n : json.readTree(value).path("value")) {
            JsonNode e = n.path("encryptedContent");
            if (!clientState.equals(n.path("clientState").asText()) || !e.isObject()) {
                continue;
            }
            byte[] plain = decryptor.decrypt(new EncryptedContent(e.path("data").asText(),
                    e.path("dataSignature").asText(), e.path("dataKey").asText(),
                    e.path("encryptionCertificateId").asText(), e.path("encryptionCertificateThumbprint").asText()));
            JsonNode message = json.readTree(plain);
            Detection d = detector.detect(message);
            if (d.emergency()) {
                insert.setString(1, message.path("chatId").asText());
                insert.setString(2, message.path("id").asText());
                insert.setString(3, d.callerUserId());
                insert.setString(4, d.dialedNumber());
                insert.setString(5, d.locationText());
                insert.executeUpdate();
                stored++;
            }
        }
        return stored;
    }

    /** Runs the baseline over a topic holding the workload and writes its rate. */
    public static double measure(BenchStack stack, ResultFiles results, String topic, Workload workload)
            throws Exception {
        BaselineConsumer baseline = new BaselineConsumer(stack.local.keys.privateKey(),
                stack.local.keys.certificateId(), stack.local.clientState);
        long started = System.nanoTime();
        int stored = baseline.consume(stack.local.kafka.bootstrapServers(), topic, workload.items().size(),
                stack.local.postgres.jdbcUrl(), stack.local.postgres.user(), stack.local.postgres.password());
        long millis = Math.max(1, (System.nanoTime() - started) / 1_000_000);
        double rate = workload.items().size() * 1000.0 / millis;
        results.write("system.baseline", "notifications/s", rate, Map.of(
                "records", workload.items().size(), "emergencies_stored", stored, "elapsed_ms", millis,
                "what", "one thread: KafkaConsumer poll, JDK RSA decrypt, job's detector, JDBC INSERT, commitSync"));
        return rate;
    }
}
