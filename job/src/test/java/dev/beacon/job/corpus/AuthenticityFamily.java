package dev.beacon.job.corpus;

import static dev.beacon.job.corpus.Corpus.CLIENT_STATE_MISMATCH;
import static dev.beacon.job.corpus.Corpus.INVALID_NOTIFICATION;
import static dev.beacon.job.corpus.Corpus.dead;
import static dev.beacon.job.corpus.Corpus.ignored;
import static dev.beacon.job.corpus.Corpus.items;
import static dev.beacon.job.corpus.Corpus.lifecycle;
import static dev.beacon.job.corpus.Corpus.validation;
import static dev.beacon.job.corpus.CorpusKit.SUB_A;
import static dev.beacon.job.corpus.CorpusKit.SUB_B;
import static dev.beacon.job.corpus.CorpusKit.chat;
import static dev.beacon.job.corpus.CorpusKit.value;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.job.corpus.Corpus.Table;
import dev.beacon.job.corpus.CorpusKit.Caller;

/**
 * clientState in every form, validation records and lifecycle notifications. Forged notifications carry a real
 * emergency message (from Eve, who never appears in a valid call), so that accepting one would show up as an
 * extra fact. A clientState that is not a string is a format error ({@code invalid_notification}); one that is
 * missing or differs is {@code client_state_mismatch}. The secret must not reach any output, however it was sent.
 */
final class AuthenticityFamily {

    static final Caller EVE = new Caller(CorpusKit.TENANT, "66666666-7777-4888-8999-aaaaaaaaaaaa", "Eve Forger");

    private AuthenticityFamily() {}

    static Table build(CorpusKit kit) {
        Table t = new Table("authenticity", 0);
        t.row("clientState missing", forged(kit, n -> n.remove("clientState")), items(dead(CLIENT_STATE_MISMATCH)));
        t.row("clientState null", forged(kit, n -> n.putNull("clientState")), items(dead(CLIENT_STATE_MISMATCH)));
        t.row("clientState empty", forged(kit, n -> n.put("clientState", "")), items(dead(CLIENT_STATE_MISMATCH)));
        t.row("clientState wrong", forged(kit, n -> n.put("clientState", "not-the-secret")),
                items(dead(CLIENT_STATE_MISMATCH)));
        t.row("clientState: the secret with a trailing space", forged(kit, n -> n.put("clientState", kit.secret + " ")),
                items(dead(CLIENT_STATE_MISMATCH)));
        t.row("clientState: the secret in upper case", forged(kit,
                n -> n.put("clientState", kit.secret.toUpperCase(java.util.Locale.ROOT))),
                items(dead(CLIENT_STATE_MISMATCH)));
        t.row("clientState: the secret's first half", forged(kit,
                n -> n.put("clientState", kit.secret.substring(0, kit.secret.length() / 2))),
                items(dead(CLIENT_STATE_MISMATCH)));
        t.row("clientState as a number", forged(kit, n -> n.put("clientState", 12345)),
                items(dead(INVALID_NOTIFICATION)));
        t.row("clientState as an object holding the secret", forged(kit,
                n -> n.putObject("clientState").put("value", kit.secret)), items(dead(INVALID_NOTIFICATION)));
        t.row("clientState as an array holding the secret", forged(kit,
                n -> n.putArray("clientState").add(kit.secret)), items(dead(INVALID_NOTIFICATION)));
        t.row("ClientState (other case) holding the secret, clientState missing", forged(kit, n -> {
            n.remove("clientState");
            n.put("ClientState", kit.secret);
        }), items(dead(CLIENT_STATE_MISMATCH)));

        // The secret written with JSON escapes is the same string: accepted.
        String item = kit.bytesAsText(kit.richChatter("escaped secret"));
        StringBuilder escaped = new StringBuilder();
        for (char c : kit.secret.toCharArray()) {
            escaped.append(String.format("\\u%04x", (int) c));
        }
        t.row("clientState: the secret written entirely in \\u escapes (same string)",
                value("{\"value\":[" + item.replace(kit.secret, escaped) + "]}"), items(ignored()));

        t.row("validation record", value(kit.collection(kit.validationItem())), items(validation()));
        t.row("validation item next to chatter", value(kit.collection(kit.validationItem(),
                kit.richChatter("after validation"))), items(validation(), ignored()));
        ObjectNode validationByChangeType = kit.basic(SUB_A, "created", chat("validation"), kit.messageId());
        validationByChangeType.put("changeType", "Validation: Testing client application reachability");
        validationByChangeType.put("clientState", "anything");
        t.row("validation by its changeType alone (real subscription id, any clientState)",
                value(kit.collection(validationByChangeType)), items(validation()));

        t.row("lifecycle: reauthorizationRequired",
                value(kit.collection(kit.lifecycleItem(SUB_A, "reauthorizationRequired"))), items(lifecycle()));
        t.row("lifecycle: subscriptionRemoved", value(kit.collection(kit.lifecycleItem(SUB_B, "subscriptionRemoved"))),
                items(lifecycle()));
        t.row("lifecycle: missed, twice in one collection", value(kit.collection(kit.lifecycleItem(SUB_A, "missed"),
                kit.lifecycleItem(SUB_A, "missed"))), items(lifecycle(), lifecycle()));
        ObjectNode wrongLifecycle = kit.lifecycleItem(SUB_A, "subscriptionRemoved");
        wrongLifecycle.put("clientState", "forged");
        t.row("lifecycle with a wrong clientState", value(kit.collection(wrongLifecycle)),
                items(dead(CLIENT_STATE_MISMATCH)));
        ObjectNode noSubscription = kit.lifecycleItem(SUB_A, "missed");
        noSubscription.remove("subscriptionId");
        t.row("lifecycle without subscriptionId", value(kit.collection(noSubscription)),
                items(dead(INVALID_NOTIFICATION)));
        t.row("lifecycle as a structured CloudEvent", value(kit.bytes(kit.cloudEvent(
                "Microsoft.Graph.SubscriptionReauthorizationRequired", kit.lifecycleItem(SUB_B,
                        "reauthorizationRequired")))), items(lifecycle()));
        return t;
    }

    /** Eve's emergency call, encrypted correctly, with the notification changed by {@code change}. */
    private static Corpus.RecordMaker forged(CorpusKit kit, java.util.function.Consumer<ObjectNode> change) {
        ObjectNode n = kit.rich(SUB_A, "created", kit.emergency(EVE, kit.messageId(), chat("eve-" + kit.messageId()),
                "911", "2026-11-22T10:30:00.000Z", "Nowhere"));
        change.accept(n);
        return value(kit.collection(n));
    }
}
