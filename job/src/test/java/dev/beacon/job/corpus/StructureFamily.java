package dev.beacon.job.corpus;

import static dev.beacon.job.corpus.Corpus.INVALID_NOTIFICATION;
import static dev.beacon.job.corpus.Corpus.UNRECOGNIZED_ENVELOPE;
import static dev.beacon.job.corpus.Corpus.dead;
import static dev.beacon.job.corpus.Corpus.items;
import static dev.beacon.job.corpus.Corpus.needsHydration;
import static dev.beacon.job.corpus.Corpus.whole;
import static dev.beacon.job.corpus.CorpusKit.SUB_A;
import static dev.beacon.job.corpus.CorpusKit.chat;
import static dev.beacon.job.corpus.CorpusKit.value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.job.corpus.Corpus.Outcome;
import dev.beacon.job.corpus.Corpus.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Well-formed JSON of the wrong shape: envelopes that are no collection, items that are no objects, every field of
 * a notification with the wrong type or missing. A broken item is a dead letter of its own ({@code
 * invalid_notification}); the other items of its record go on. Notifications without resource data go to be
 * hydrated.
 */
final class StructureFamily {

    private StructureFamily() {}

    static Table build(CorpusKit kit) {
        Table t = new Table("structure", 1);
        t.row("value is an object", value("{\"value\":{}}"), whole(dead(UNRECOGNIZED_ENVELOPE)));
        t.row("value is a string", value("{\"value\":\"[]\"}"), whole(dead(UNRECOGNIZED_ENVELOPE)));
        t.row("value is null", value("{\"value\":null}"), whole(dead(UNRECOGNIZED_ENVELOPE)));
        t.row("empty object", value("{}"), whole(dead(UNRECOGNIZED_ENVELOPE)));
        t.row("empty value array", value("{\"value\":[]}"), whole(dead(INVALID_NOTIFICATION)));
        t.row("items that are not objects", value("{\"value\":[1,\"two\",null,[],true,1.5e300]}"),
                items(invalidTimes(6)));

        // One record, one item per field with the wrong type; a valid item last shows that the record goes on.
        List<JsonNode> wrong = new ArrayList<>();
        List<Outcome> wrongOutcomes = new ArrayList<>();
        wrongType(kit, wrong, wrongOutcomes, n -> n.put("subscriptionId", 42));
        wrongType(kit, wrong, wrongOutcomes, n -> n.putArray("changeType").add("created"));
        wrongType(kit, wrong, wrongOutcomes, n -> n.put("clientState", true));
        wrongType(kit, wrong, wrongOutcomes, n -> n.putObject("tenantId"));
        wrongType(kit, wrong, wrongOutcomes, n -> n.put("organizationId", 7));
        wrongType(kit, wrong, wrongOutcomes, n -> n.put("resource", 7));
        wrongType(kit, wrong, wrongOutcomes, n -> n.put("resourceData", "chats/messages"));
        wrongType(kit, wrong, wrongOutcomes, n -> ((ObjectNode) n.get("resourceData")).put("id", 5));
        wrongType(kit, wrong, wrongOutcomes, n -> ((ObjectNode) n.get("resourceData")).putArray("@odata.type"));
        wrongType(kit, wrong, wrongOutcomes, n -> ((ObjectNode) n.get("resourceData")).put("@odata.id", false));
        wrongType(kit, wrong, wrongOutcomes, n -> n.put("encryptedContent", "base64"));
        wrongType(kit, wrong, wrongOutcomes, n -> rich(kit, n).put("data", 1));
        wrongType(kit, wrong, wrongOutcomes, n -> rich(kit, n).putObject("dataKey"));
        wrongType(kit, wrong, wrongOutcomes, n -> rich(kit, n).put("encryptionCertificateId", false));
        wrongType(kit, wrong, wrongOutcomes, n -> rich(kit, n).put("dataSignature", 3));
        wrongType(kit, wrong, wrongOutcomes, n -> rich(kit, n).putArray("encryptionCertificateThumbprint"));
        wrongType(kit, wrong, wrongOutcomes, n -> n.put("lifecycleEvent", 1));
        wrongType(kit, wrong, wrongOutcomes, n -> n.put("subscriptionExpirationDateTime", 1_700_000_000));
        wrong.add(kit.basic(SUB_A, "created", chat("structure"), kit.messageId()));
        wrongOutcomes.add(needsHydration());
        t.row("every field with the wrong type, one item each, and a valid item last",
                value(kit.collection(wrong.toArray(JsonNode[]::new))), items(wrongOutcomes));

        List<JsonNode> missing = new ArrayList<>();
        List<Outcome> missingOutcomes = new ArrayList<>();
        broken(kit, missing, missingOutcomes, n -> n.remove("subscriptionId"), dead(INVALID_NOTIFICATION));
        broken(kit, missing, missingOutcomes, n -> n.put("subscriptionId", " "), dead(INVALID_NOTIFICATION));
        broken(kit, missing, missingOutcomes, n -> n.remove("changeType"), dead(INVALID_NOTIFICATION));
        broken(kit, missing, missingOutcomes, n -> n.put("changeType", "exploded"), dead(INVALID_NOTIFICATION));
        broken(kit, missing, missingOutcomes, n -> n.remove("resource"), dead(INVALID_NOTIFICATION));
        broken(kit, missing, missingOutcomes, n -> n.put("resource", ""), dead(INVALID_NOTIFICATION));
        broken(kit, missing, missingOutcomes, n -> rich(kit, n).remove("data"), dead(INVALID_NOTIFICATION));
        broken(kit, missing, missingOutcomes, n -> rich(kit, n).put("data", ""), dead(INVALID_NOTIFICATION));
        broken(kit, missing, missingOutcomes, n -> rich(kit, n).remove("dataKey"), dead(INVALID_NOTIFICATION));
        broken(kit, missing, missingOutcomes, n -> rich(kit, n).remove("encryptionCertificateId"),
                dead(INVALID_NOTIFICATION));
        broken(kit, missing, missingOutcomes, n -> n.removeAll(), dead(INVALID_NOTIFICATION));
        // Enumerations match exactly up to ASCII case: padding is not the same value.
        broken(kit, missing, missingOutcomes, n -> n.put("changeType", "  CREATED "), dead(INVALID_NOTIFICATION));
        broken(kit, missing, missingOutcomes, n -> n.put("changeType", "CREATED"), needsHydration());
        broken(kit, missing, missingOutcomes, n -> n.remove("resourceData"), needsHydration());
        broken(kit, missing, missingOutcomes, n -> n.put("resource", "users/x/chats/19:corpus-path@thread.v2"
                + "/messages/1763900000999"), needsHydration());
        broken(kit, missing, missingOutcomes, n -> n.put("resource", "teams('t')/channels('19:c@thread.tacv2')"
                + "/messages('1')/replies('2')"), needsHydration());
        t.row("missing, empty or unusual fields, one item each", value(kit.collection(missing.toArray(JsonNode[]::new))),
                items(missingOutcomes));
        return t;
    }

    private static ObjectNode rich(CorpusKit kit, ObjectNode n) {
        ObjectNode e = kit.encrypted(kit.encrypt(CorpusKit.utf8("{}")));
        n.set("encryptedContent", e);
        return e;
    }

    private static void wrongType(CorpusKit kit, List<JsonNode> items, List<Outcome> outcomes,
            Consumer<ObjectNode> change) {
        broken(kit, items, outcomes, change, dead(INVALID_NOTIFICATION));
    }

    private static void broken(CorpusKit kit, List<JsonNode> items, List<Outcome> outcomes,
            Consumer<ObjectNode> change, Outcome outcome) {
        ObjectNode n = kit.basic(SUB_A, "created", chat("structure"), kit.messageId());
        change.accept(n);
        items.add(n);
        outcomes.add(outcome);
    }

    static Outcome[] invalidTimes(int n) {
        Outcome[] out = new Outcome[n];
        java.util.Arrays.fill(out, dead(INVALID_NOTIFICATION));
        return out;
    }
}
