package dev.beacon.job.corpus;

import static dev.beacon.job.corpus.Corpus.INVALID_CLOUDEVENT;
import static dev.beacon.job.corpus.Corpus.INVALID_NOTIFICATION;
import static dev.beacon.job.corpus.Corpus.MALFORMED_JSON;
import static dev.beacon.job.corpus.Corpus.dead;
import static dev.beacon.job.corpus.Corpus.ignored;
import static dev.beacon.job.corpus.Corpus.items;
import static dev.beacon.job.corpus.Corpus.needsHydration;
import static dev.beacon.job.corpus.Corpus.whole;
import static dev.beacon.job.corpus.CorpusKit.SUB_A;
import static dev.beacon.job.corpus.CorpusKit.chat;
import static dev.beacon.job.corpus.CorpusKit.value;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.job.corpus.Corpus.Table;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * CloudEvents 1.0 as Event Grid delivers Graph notifications: structured, batched, binary (ce_ headers), with
 * {@code data_base64}; and with required attributes missing or mistyped. A broken single event or binary record is
 * one dead letter for the record; a broken event in a batch is one dead letter for its item.
 */
final class CloudEventFamily {

    private static final String CREATED = "Microsoft.Graph.ChatMessageCreated";

    private CloudEventFamily() {}

    static Table build(CorpusKit kit) {
        Table t = new Table("cloudevents", 1);
        t.row("structured event, chatter", value(kit.bytes(kit.cloudEvent(CREATED, kit.richChatter("structured")))),
                items(ignored()));
        ObjectNode missingId = kit.cloudEvent(CREATED, kit.richChatter("batch without id"));
        missingId.remove("id");
        ArrayNode batch = kit.json.createArrayNode();
        batch.add(kit.cloudEvent(CREATED, kit.richChatter("batch one")));
        batch.add(missingId);
        batch.add(42);
        batch.add(kit.cloudEvent(CREATED, kit.richChatter("batch four")));
        t.row("batch: good, missing id, not an object, good", value(kit.bytes(batch)),
                items(ignored(), dead(INVALID_CLOUDEVENT), dead(INVALID_CLOUDEVENT), ignored()));
        t.row("binary mode, chatter", value(kit.bytes(kit.richChatter("binary")), kit.binaryHeaders(CREATED)),
                items(ignored()));
        t.row("binary mode without ce_id", value(kit.bytes(kit.richChatter("binary no id")),
                without(kit.binaryHeaders(CREATED), "ce_id")), whole(dead(INVALID_CLOUDEVENT)));
        t.row("binary mode without ce_source", value(kit.bytes(kit.richChatter("binary no source")),
                without(kit.binaryHeaders(CREATED), "ce_source")), whole(dead(INVALID_CLOUDEVENT)));
        t.row("binary mode, ce_specversion 0.3", value(kit.bytes(kit.richChatter("binary old version")),
                replaced(kit.binaryHeaders(CREATED), "ce_specversion", "0.3")), whole(dead(INVALID_CLOUDEVENT)));
        t.row("binary mode, content-type text/plain", value(kit.bytes(kit.richChatter("binary text")),
                replaced(kit.binaryHeaders(CREATED), "content-type", "text/plain")), whole(dead(INVALID_CLOUDEVENT)));
        t.row("binary mode, ce_time not a timestamp", value(kit.bytes(kit.richChatter("binary time")),
                replaced(kit.binaryHeaders(CREATED), "ce_time", "yesterday")), whole(dead(INVALID_CLOUDEVENT)));
        t.row("binary mode, value not JSON", value("not json at all", kit.binaryHeaders(CREATED)),
                whole(dead(MALFORMED_JSON)));
        t.row("binary mode, value a JSON string", value("\"text\"", kit.binaryHeaders(CREATED)),
                whole(dead(INVALID_CLOUDEVENT)));

        t.row("structured, missing type", event(kit, e -> e.remove("type")), whole(dead(INVALID_CLOUDEVENT)));
        t.row("structured, missing source", event(kit, e -> e.remove("source")), whole(dead(INVALID_CLOUDEVENT)));
        t.row("structured, id a number", event(kit, e -> e.put("id", 7)), whole(dead(INVALID_CLOUDEVENT)));
        t.row("structured, specversion 2.0", event(kit, e -> e.put("specversion", "2.0")),
                whole(dead(INVALID_CLOUDEVENT)));
        t.row("structured, time not RFC 3339", event(kit, e -> e.put("time", "22/11/2026")),
                whole(dead(INVALID_CLOUDEVENT)));
        t.row("structured, no data", event(kit, e -> e.remove("data")), whole(dead(INVALID_CLOUDEVENT)));
        t.row("structured, data a string", event(kit, e -> e.put("data", "chatter")), whole(dead(INVALID_CLOUDEVENT)));
        t.row("structured, both data and data_base64", event(kit, e -> e.put("data_base64", "e30=")),
                whole(dead(INVALID_CLOUDEVENT)));
        t.row("structured, data_base64 (a collection)", event(kit, e -> {
            e.put("data_base64", Base64.getEncoder().encodeToString(kit.collection(e.get("data"))));
            e.remove("data");
        }), items(ignored()));
        t.row("structured, data_base64 not base64", event(kit, e -> {
            e.remove("data");
            e.put("data_base64", "***");
        }), whole(dead(INVALID_CLOUDEVENT)));
        t.row("structured, data_base64 of nothing", event(kit, e -> {
            e.remove("data");
            e.put("data_base64", "");
        }), whole(dead(INVALID_CLOUDEVENT)));
        t.row("structured, data_base64 holding the clientState, missing source", event(kit, e -> {
            e.put("data_base64", Base64.getEncoder().encodeToString(kit.bytes(e.get("data"))));
            e.remove("data");
            e.remove("source");
        }), whole(dead(INVALID_CLOUDEVENT)));
        t.row("empty batch", value("[]"), whole(dead(INVALID_CLOUDEVENT)));
        t.row("type ChatMessageDeleted, item without changeType (a bare deletion of chatter)",
                value(kit.bytes(kit.cloudEvent("Microsoft.Graph.ChatMessageDeleted", withoutChangeType(
                        kit.basic(SUB_A, "deleted", chat("ce-deleted"), kit.messageId()))))),
                items(ignored()));
        t.row("type says no change, item without changeType", value(kit.bytes(kit.cloudEvent("Microsoft.Graph.Other",
                withoutChangeType(kit.basic(SUB_A, "created", chat("ce-other"), kit.messageId()))))),
                items(dead(INVALID_NOTIFICATION)));
        ObjectNode twoItems = kit.json.createObjectNode();
        twoItems.putArray("value").add(kit.basic(SUB_A, "created", chat("ce-collection"), kit.messageId()))
                .add(kit.richChatter("collection in an event"));
        t.row("structured, data a collection of two", value(kit.bytes(kit.cloudEvent(CREATED, twoItems))),
                items(needsHydration(), ignored()));
        return t;
    }

    private static Corpus.RecordMaker event(CorpusKit kit, java.util.function.Consumer<ObjectNode> change) {
        ObjectNode e = kit.cloudEvent(CREATED, kit.richChatter("event"));
        change.accept(e);
        return value(kit.bytes(e));
    }

    private static ObjectNode withoutChangeType(ObjectNode item) {
        item.remove("changeType");
        return item;
    }

    private static String[] without(String[] headers, String name) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < headers.length; i += 2) {
            if (!headers[i].equals(name)) {
                out.add(headers[i]);
                out.add(headers[i + 1]);
            }
        }
        return out.toArray(String[]::new);
    }

    private static String[] replaced(String[] headers, String name, String value) {
        String[] out = Arrays.copyOf(headers, headers.length);
        for (int i = 0; i < out.length; i += 2) {
            if (out[i].equals(name)) {
                out[i + 1] = value;
            }
        }
        return out;
    }
}
