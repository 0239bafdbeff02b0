package dev.beacon.job.corpus;

import static dev.beacon.job.corpus.Corpus.MALFORMED_JSON;
import static dev.beacon.job.corpus.Corpus.dead;
import static dev.beacon.job.corpus.Corpus.ignored;
import static dev.beacon.job.corpus.Corpus.items;
import static dev.beacon.job.corpus.Corpus.whole;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.beacon.job.corpus.Corpus.Table;

/**
 * Capture-file lines (replay mode), read with the job's own {@code CaptureLines}: {@code kcat -J} envelopes with
 * odd payloads and headers, and bare lines. The two calls that arrive this way are in {@link ValidCallsFamily}
 * (call 6). Bare lines are read as partition 0, so the family lives there.
 */
final class CaptureFamily {

    private CaptureFamily() {}

    static Table build(CorpusKit kit) {
        JsonNodeFactory f = kit.json.getNodeFactory();
        Table t = new Table("capture-lines", 0);
        t.row("kcat envelope, payload null", kit.kcatEnvelope(f.nullNode()), whole(dead(MALFORMED_JSON)));
        t.row("kcat envelope, payload empty", kit.kcatEnvelope(f.textNode("")), whole(dead(MALFORMED_JSON)));
        t.row("kcat envelope, payload an object rather than a string",
                kit.kcatEnvelope(payloadObject(kit)),
                items(ignored()));
        t.row("kcat envelope, payload truncated JSON", kit.kcatEnvelope(f.textNode("{\"value\":[{\"subscr")),
                whole(dead(MALFORMED_JSON)));
        t.row("kcat envelope, odd-length headers array", kit.kcatEnvelope(
                f.textNode(kit.bytesAsText(kit.collection(kit.richChatter("odd headers")))), "ce_specversion"),
                items(ignored()));
        t.row("bare line, chatter", CorpusKit.bareCaptureLine(kit.bytesAsText(
                kit.collection(kit.richChatter("bare line")))), items(ignored()));
        t.row("bare line, malformed", CorpusKit.bareCaptureLine("{\"value\":[{\"subscriptionId\":"),
                whole(dead(MALFORMED_JSON)));
        t.row("bare line that looks like an envelope but is not one", CorpusKit.bareCaptureLine(
                "{\"payload\":\"x\",\"note\":\"no coordinates\"}"), whole(dead(Corpus.UNRECOGNIZED_ENVELOPE)));
        return t;
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode payloadObject(CorpusKit kit) {
        com.fasterxml.jackson.databind.node.ObjectNode payload = kit.json.createObjectNode();
        payload.putArray("value").add(kit.richChatter("payload object"));
        return payload;
    }
}
