package dev.beacon.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.testing.KafkaFixture;
import dev.beacon.testing.PostgresFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** One snapshot of everything the job wrote: PostgreSQL rows and the facts topic, as a consumer would read it. */
public record Observed(List<FactRow> rows, Map<String, String> auditOutcomes, List<TopicRecord> facts) {

    public static final String FACT_TYPE = "dev.beacon.emergency-call.v1";
    public static final String SUPERSEDED_TYPE = "dev.beacon.emergency-call.superseded.v1";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** An {@code emergency_call} row; {@code messages} are its message refs as {@code chat/message}. */
    public record FactRow(String factId, String callerUserId, int notificationCount, int revision,
            Set<String> messages) {
        @Override
        public String toString() {
            return factId + " (count " + notificationCount + ", revision " + revision + ")";
        }
    }

    /**
     * A record of the facts topic: {@code type} is its {@code ce_type} header. For fact revisions {@code messages}
     * holds the fact's message refs; for superseded records, {@code supersededBy} the live id.
     */
    public record TopicRecord(int partition, long offset, String key, String type, String factId, int revision,
            int notificationCount, Set<String> messages, String supersededBy) {
        public boolean isFact() {
            return FACT_TYPE.equals(type);
        }

        public boolean isSuperseded() {
            return SUPERSEDED_TYPE.equals(type);
        }

        @Override
        public String toString() {
            return isFact() ? "revision " + revision + " (count " + notificationCount + ") @" + partition + ":" + offset
                    : isSuperseded() ? "superseded by " + supersededBy + " @" + partition + ":" + offset
                    : type + " @" + partition + ":" + offset;
        }
    }

    public static String messageKey(String chatId, String messageId) {
        return chatId + "/" + messageId;
    }

    /**
     * Reads PostgreSQL and the whole facts topic.
     *
     * @param readCommitted {@code isolation.level=read_committed}, as consumers of an exactly-once job must read
     */
    public static Observed read(PostgresFixture postgres, KafkaFixture kafka, String factsTopic,
            boolean readCommitted) {
        List<FactRow> rows = postgres.query("""
                SELECT fact_id::text AS fact_id, caller_user_id, notification_count, revision,
                       message_refs::text AS refs
                FROM emergency_call ORDER BY call_started_at, fact_id""").stream()
                .map(r -> new FactRow((String) r.get("fact_id"), (String) r.get("caller_user_id"),
                        (Integer) r.get("notification_count"), (Integer) r.get("revision"),
                        messages(parse((String) r.get("refs")))))
                .toList();
        Map<String, String> audit = new LinkedHashMap<>();
        for (Map<String, Object> r : postgres.query(
                "SELECT source, source_partition, source_offset, outcome FROM notification_audit")) {
            audit.put(r.get("source") + "/" + r.get("source_partition") + "@" + r.get("source_offset"),
                    (String) r.get("outcome"));
        }
        List<TopicRecord> facts = kafka.readAll(factsTopic, readCommitted).stream().map(Observed::topicRecord)
                .toList();
        return new Observed(rows, audit, facts);
    }

    private static TopicRecord topicRecord(ConsumerRecord<byte[], byte[]> r) {
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        Header typeHeader = r.headers().lastHeader("ce_type");
        String type = typeHeader == null ? null : new String(typeHeader.value(), StandardCharsets.UTF_8);
        JsonNode value = r.value() == null ? JSON.nullNode() : parse(new String(r.value(), StandardCharsets.UTF_8));
        return new TopicRecord(r.partition(), r.offset(), key, type, value.path("fact_id").asText(null),
                value.path("revision").asInt(0), value.path("notification_count").asInt(0),
                messages(value.path("message_refs")), value.path("superseded_by").asText(null));
    }

    private static Set<String> messages(JsonNode refs) {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode ref : refs) {
            out.add(messageKey(ref.path("chat_id").asText(), ref.path("message_id").asText()));
        }
        return out;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            return JSON.nullNode();
        }
    }
}
