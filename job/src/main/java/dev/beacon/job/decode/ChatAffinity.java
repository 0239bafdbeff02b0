package dev.beacon.job.decode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.beacon.job.ingest.RawRecord;
import java.io.IOException;
import java.util.Base64;
import org.apache.flink.api.common.functions.Partitioner;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Spreads raw records over all triage instances (decryption is nearly all of the job's CPU, and chained to the
 * source it would run in only as many instances as the source has splits: one for a capture file, one per Kafka
 * partition) while keeping every chat's records on one instance, in the order they were read.
 *
 * <p>Why not round-robin: the keyed stages converge on the same facts whatever the order of different chats, but
 * the order of one message's notifications matters (a deletion read before its creation would be lost, an edit read
 * before the original would count one revision fewer). Kafka keeps that order within a partition; this keeps it
 * within a triage instance.
 *
 * <p>The chat comes from the first {@code resource} (Graph notifications, CloudEvents, also inside a CloudEvent's
 * {@code data_base64}) or {@code chat_id} (messages the control plane fetched) in the record, found by a bounded
 * streaming scan: a small fraction of one RSA unwrap.
 * Records without one (validation, lifecycle, unreadable) go round-robin; triage judges them alone.
 */
public final class ChatAffinity {

    /** Tokens scanned at most before giving up on finding the chat (round-robin then). */
    static final int MAX_TOKENS = 256;

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build();

    private ChatAffinity() {}

    /** {@code records}, repartitioned by chat for triage. */
    public static DataStream<RawRecord> spread(DataStream<RawRecord> records) {
        return records.partitionCustom(new ByChat(), new ChatKey());
    }

    /** The chat a record is about, or "" when it names none within {@link #MAX_TOKENS} tokens. */
    public static String chatOf(RawRecord record) {
        return record.value() == null ? "" : chatOf(record.value(), true);
    }

    /** @param nested whether a CloudEvent's {@code data_base64} may be looked into (once) */
    private static String chatOf(byte[] value, boolean nested) {
        if (value.length == 0) {
            return "";
        }
        try (JsonParser parser = JSON.createParser(value)) {
            for (int i = 0; i < MAX_TOKENS; i++) {
                JsonToken token = parser.nextToken();
                if (token == null) {
                    return "";
                }
                if (token == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    if ("resource".equals(name) || "chat_id".equals(name)) {
                        if (parser.nextToken() == JsonToken.VALUE_STRING) {
                            String text = parser.getText();
                            String chat = "chat_id".equals(name) ? text : ResourceIds.parse(text).chatId();
                            return chat == null ? "" : chat;
                        }
                    } else if (nested && "data_base64".equals(name) && parser.nextToken() == JsonToken.VALUE_STRING) {
                        String chat = chatOf(Base64.getDecoder().decode(parser.getText()), false);
                        if (!chat.isEmpty()) {
                            return chat;
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // Unreadable here means unreadable in triage too: it becomes a dead letter wherever it goes.
        }
        return "";
    }

    /** The routing key of a record: its chat. */
    static final class ChatKey implements KeySelector<RawRecord, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(RawRecord record) {
            return chatOf(record);
        }
    }

    /** One chat, one instance; records without a chat take turns (per sending subtask). */
    static final class ByChat implements Partitioner<String> {
        private static final long serialVersionUID = 1L;
        private int next;

        @Override
        public int partition(String chat, int instances) {
            if (chat.isEmpty()) {
                next = (next + 1) % instances;
                return next;
            }
            return Math.floorMod(chat.hashCode(), instances);
        }
    }
}
