package dev.beacon.job.corpus;

import static dev.beacon.job.corpus.Corpus.CLIENT_STATE_MISMATCH;
import static dev.beacon.job.corpus.Corpus.INVALID_RESOURCE_DATA;
import static dev.beacon.job.corpus.Corpus.OVERSIZED;
import static dev.beacon.job.corpus.Corpus.TOO_DEEPLY_NESTED;
import static dev.beacon.job.corpus.Corpus.dead;
import static dev.beacon.job.corpus.Corpus.items;
import static dev.beacon.job.corpus.Corpus.needsHydration;
import static dev.beacon.job.corpus.Corpus.validation;
import static dev.beacon.job.corpus.Corpus.whole;
import static dev.beacon.job.corpus.CorpusKit.SUB_A;
import static dev.beacon.job.corpus.CorpusKit.chat;
import static dev.beacon.job.corpus.CorpusKit.value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.job.corpus.Corpus.Outcome;
import dev.beacon.job.corpus.Corpus.Table;
import dev.beacon.job.decode.DecodeLimits;
import java.util.ArrayList;
import java.util.List;

/**
 * The decoder's limits ({@code decode.max-record-bytes}, {@code decode.max-nesting-depth},
 * {@code decode.max-items-per-record}, as configured for the run): exactly at each limit the record is processed;
 * one past it, it is a dead letter for the record as a whole.
 */
final class SizeFamily {

    private SizeFamily() {}

    static Table build(CorpusKit kit) {
        DecodeLimits limits = kit.limits;
        Table t = new Table("size-and-depth", 1);

        t.row("exactly decode.max-record-bytes", value(padded(kit, limits.maxRecordBytes())), items(needsHydration()));
        t.row("decode.max-record-bytes + 1", value(padded(kit, limits.maxRecordBytes() + 1)), whole(dead(OVERSIZED)));

        // {"value":[{ ... "nest":[[...]] }]}: the collection, its array and the item take three levels.
        int inItem = limits.maxNestingDepth() - 3;
        t.row("nested exactly decode.max-nesting-depth deep", value(nested(kit, inItem)), items(needsHydration()));
        t.row("nested decode.max-nesting-depth + 1 deep", value(nested(kit, inItem + 1)),
                whole(dead(TOO_DEEPLY_NESTED)));
        t.row("nested 100,000 deep", value("[".repeat(100_000) + "]".repeat(100_000)), whole(dead(TOO_DEEPLY_NESTED)));
        t.row("100,000 unclosed objects", value("{\"a\":".repeat(100_000)), whole(dead(TOO_DEEPLY_NESTED)));

        int max = limits.maxItemsPerRecord();
        List<JsonNode> atLimit = new ArrayList<>();
        List<Outcome> atLimitOutcomes = new ArrayList<>();
        for (int i = 0; i < max - 1; i++) {
            atLimit.add(kit.validationItem());
            atLimitOutcomes.add(validation());
        }
        atLimit.add(kit.basic(SUB_A, "created", chat("size"), kit.messageId()));
        atLimitOutcomes.add(needsHydration());
        t.row("exactly decode.max-items-per-record notifications", value(kit.collection(atLimit.toArray(JsonNode[]::new))),
                items(atLimitOutcomes));
        atLimit.add(kit.validationItem());
        t.row("decode.max-items-per-record + 1 notifications", value(kit.collection(atLimit.toArray(JsonNode[]::new))),
                whole(dead(OVERSIZED)));
        ArrayNode batch = kit.json.createArrayNode();
        for (int i = 0; i <= max; i++) {
            batch.add(kit.cloudEvent("Microsoft.Graph.ChatMessageCreated", kit.validationItem()));
        }
        t.row("CloudEvents batch of decode.max-items-per-record + 1 events", value(kit.bytes(batch)),
                whole(dead(OVERSIZED)));

        ObjectNode deepMessage = kit.chatter(chat("deep-message"), "deeply nested resource");
        ObjectNode cursor = deepMessage.putObject("nest");
        for (int i = 0; i < limits.maxNestingDepth() + 10; i++) {
            cursor = cursor.putObject("n");
        }
        t.row("decrypted resource nested deeper than the limit",
                value(kit.collection(kit.rich(SUB_A, "created", deepMessage))), items(dead(INVALID_RESOURCE_DATA)));

        ObjectNode hugeSecret = kit.basic(SUB_A, "created", chat("size"), kit.messageId());
        hugeSecret.put("clientState", "x".repeat(limits.maxRecordBytes() * 3 / 4));
        t.row("a clientState of 3/4 of the record limit", value(kit.collection(hugeSecret)),
                items(dead(CLIENT_STATE_MISMATCH)));
        return t;
    }

    /** A valid collection of one basic notification, padded with an unknown field to exactly {@code size} bytes. */
    private static byte[] padded(CorpusKit kit, int size) {
        ObjectNode item = kit.basic(SUB_A, "created", chat("size"), kit.messageId());
        item.put("padding", "");
        int base = kit.collection(item).length;
        item.put("padding", "p".repeat(size - base));
        byte[] out = kit.collection(item);
        if (out.length != size) {
            throw new IllegalStateException("padded record has " + out.length + " bytes, not " + size);
        }
        return out;
    }

    private static byte[] nested(CorpusKit kit, int arrays) {
        String item = kit.bytesAsText(kit.basic(SUB_A, "created", chat("size"), kit.messageId()));
        String nest = "\"nest\":" + "[".repeat(arrays) + "]".repeat(arrays) + ",";
        return CorpusKit.utf8("{\"value\":[{" + nest + item.substring(1) + "]}");
    }
}
