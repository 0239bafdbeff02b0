package dev.beacon.job.corpus;

import static dev.beacon.job.corpus.Corpus.DECRYPTION_FAILED;
import static dev.beacon.job.corpus.Corpus.FETCHED_MESSAGE_SIGNATURE_MISMATCH;
import static dev.beacon.job.corpus.Corpus.INVALID_FETCHED_MESSAGE;
import static dev.beacon.job.corpus.Corpus.INVALID_NOTIFICATION;
import static dev.beacon.job.corpus.Corpus.UNKNOWN_CERTIFICATE;
import static dev.beacon.job.corpus.Corpus.UNRECOGNIZED_ENVELOPE;
import static dev.beacon.job.corpus.Corpus.dead;
import static dev.beacon.job.corpus.Corpus.duplicate;
import static dev.beacon.job.corpus.Corpus.emitted;
import static dev.beacon.job.corpus.Corpus.ignored;
import static dev.beacon.job.corpus.Corpus.items;
import static dev.beacon.job.corpus.Corpus.needsHydration;
import static dev.beacon.job.corpus.Corpus.recovered;
import static dev.beacon.job.corpus.Corpus.whole;
import static dev.beacon.job.corpus.CorpusKit.SUB_A;
import static dev.beacon.job.corpus.CorpusKit.TENANT;
import static dev.beacon.job.corpus.CorpusKit.chat;
import static dev.beacon.job.corpus.CorpusKit.value;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.contracts.crypto.EncryptedContent;
import dev.beacon.contracts.fetched.FetchedMessage;
import dev.beacon.contracts.fetched.FetchedMessageSignature;
import dev.beacon.contracts.fetched.Origin;
import dev.beacon.job.corpus.Corpus.ExpectedCall;
import dev.beacon.job.corpus.Corpus.Table;
import dev.beacon.job.corpus.CorpusKit.Caller;
import dev.beacon.job.testing.FetchedMessages;
import dev.beacon.job.testing.TestKeys;
import java.util.Base64;

/**
 * Messages the control plane fetched from Graph and published on the job's input topic: the three ways they meet
 * Graph's own deliveries (a call only backfill found, a call both delivered and backfilled, a hydrated basic
 * notification), and forgeries of the record: no signature, another key, a field changed after signing, plaintext
 * content, content Beacon cannot decrypt, and schema spoofing. Eve's forgeries all carry an emergency, so any that
 * got through would show up as a fact nobody expects.
 */
final class FetchedFamily {

    static final Caller MARGARET = new Caller(TENANT, "77777777-8888-4999-8aaa-bbbbbbbbbbbb", "Margaret Hamilton");
    static final Caller BARBARA = new Caller(TENANT, "88888888-9999-4aaa-8bbb-cccccccccccc", "Barbara Liskov");
    static final Caller RADIA = new Caller(TENANT, "99999999-aaaa-4bbb-8ccc-dddddddddddd", "Radia Perlman");

    private FetchedFamily() {}

    static Table build(CorpusKit kit) {
        Table t = new Table("fetched-messages", 0);
        calls(kit, t);
        forgeries(kit, t.partition(1));
        schemaSpoofing(kit, t.partition(1));
        return t;
    }

    /** Each call's records on one partition, in order: what Graph delivered first, then what the fetch found. */
    private static void calls(CorpusKit kit, Table t) {
        String m = "2026-11-22T11:00:00.000Z";
        ObjectNode margaret = kit.emergency(MARGARET, "1763809200000", chat("desk-margaret-1100"), "911", m, "Lab 3");
        byte[] backfilled = FetchedMessages.value(signed(kit, Origin.BACKFILL, null, margaret));
        t.row("Graph never delivered it: the backfill finds the call", value(backfilled), items(recovered()));
        t.row("the next backfill finds it again", value(backfilled), items(duplicate()));
        t.call(ExpectedCall.of("recovered call", TENANT, MARGARET.userId(), m, 1, 0, "911", false));

        String b = "2026-11-22T11:20:00.000Z";
        ObjectNode barbara = kit.emergency(BARBARA, "1763810400000", chat("desk-barbara-1120"), "933", b, "Gate 2");
        t.row("Graph delivered the call", value(kit.collection(kit.rich(SUB_A, "created", barbara))),
                items(emitted()));
        t.row("the backfill finds the same message", value(FetchedMessages.value(
                signed(kit, Origin.BACKFILL, null, barbara))), items(duplicate()));
        t.call(ExpectedCall.of("delivered and backfilled", TENANT, BARBARA.userId(), b, 1, 0, "933", true));

        String r = "2026-11-22T11:40:00.000Z";
        ObjectNode radia = kit.emergency(RADIA, "1763811600000", chat("desk-radia-1140"), "911", r, "Dock 7");
        t.row("a basic notification of the call", value(kit.collection(kit.basic(SUB_A, "created",
                radia.path("chatId").asText(), radia.path("id").asText()))), items(needsHydration()));
        t.row("its hydration", value(FetchedMessages.value(signed(kit, Origin.HYDRATION, SUB_A, radia))),
                items(emitted()));
        t.call(ExpectedCall.of("hydrated call", TENANT, RADIA.userId(), r, 1, 0, "911", false));
    }

    private static void forgeries(CorpusKit kit, Table t) {
        ObjectNode noSignature = FetchedMessages.json(unsigned(kit, Origin.BACKFILL, eve(kit), kit.keys));
        noSignature.remove("signature");
        t.row("forged: no signature", value(kit.bytes(noSignature)), items(dead(INVALID_FETCHED_MESSAGE)));
        ObjectNode nullSignature = FetchedMessages.json(unsigned(kit, Origin.BACKFILL, eve(kit), kit.keys));
        t.row("forged: signature null", value(kit.bytes(nullSignature)), items(dead(INVALID_FETCHED_MESSAGE)));
        t.row("forged: signed with another key", value(FetchedMessages.value(FetchedMessageSignature.sign(
                unsigned(kit, Origin.BACKFILL, eve(kit), kit.keys), FetchedMessages.newKey()))),
                items(dead(FETCHED_MESSAGE_SIGNATURE_MISMATCH)));
        ObjectNode flipped = FetchedMessages.json(signed(kit, Origin.HYDRATION, SUB_A, eve(kit)));
        flipped.put("origin", "backfill");
        t.row("origin changed after signing", value(kit.bytes(flipped)),
                items(dead(FETCHED_MESSAGE_SIGNATURE_MISMATCH)));
        ObjectNode otherTenant = FetchedMessages.json(signed(kit, Origin.BACKFILL, null, eve(kit)));
        otherTenant.put("tenant_id", CorpusKit.TENANT_2);
        t.row("tenant changed after signing", value(kit.bytes(otherTenant)),
                items(dead(FETCHED_MESSAGE_SIGNATURE_MISMATCH)));
        ObjectNode signatureOfAnother = FetchedMessages.json(signed(kit, Origin.BACKFILL, null, eve(kit)));
        signatureOfAnother.put("signature", signed(kit, Origin.BACKFILL, null, eve(kit)).signature());
        t.row("signature of another record", value(kit.bytes(signatureOfAnother)),
                items(dead(FETCHED_MESSAGE_SIGNATURE_MISMATCH)));

        ObjectNode plaintext = FetchedMessages.json(signed(kit, Origin.BACKFILL, null, eve(kit)));
        plaintext.remove("encrypted_content");
        plaintext.set("message", eve(kit));
        t.row("plaintext message instead of encrypted_content", value(kit.bytes(plaintext)),
                items(dead(INVALID_FETCHED_MESSAGE)));
        // Even a correctly signed record (a defective publisher) must not smuggle plaintext past the content check.
        FetchedMessage base = unsigned(kit, Origin.BACKFILL, eve(kit), kit.keys);
        EncryptedContent clear = new EncryptedContent(Base64.getEncoder().encodeToString(kit.bytes(eve(kit))),
                Base64.getEncoder().encodeToString(kit.randomBytes(32)),
                Base64.getEncoder().encodeToString(kit.randomBytes(256)), CorpusKit.CERT_ID, null);
        t.row("signed, but the content is base64 plaintext", value(FetchedMessages.value(
                FetchedMessageSignature.sign(with(base, clear), kit.fetchSigningKey))), items(dead(DECRYPTION_FAILED)));
        t.row("signed, encrypted for another integration's certificate", value(FetchedMessages.value(
                FetchedMessageSignature.sign(unsigned(kit, Origin.BACKFILL, eve(kit), kit.stranger),
                        kit.fetchSigningKey))), items(dead(UNKNOWN_CERTIFICATE)));
    }

    private static void schemaSpoofing(CorpusKit kit, Table t) {
        ObjectNode graphClaimingFetched = kit.json.createObjectNode();
        graphClaimingFetched.put("schema", FetchedMessage.SCHEMA);
        graphClaimingFetched.putArray("value").add(kit.rich(SUB_A, "created", eve(kit)));
        t.row("a Graph collection that claims the fetched-message schema", value(kit.bytes(graphClaimingFetched)),
                items(dead(INVALID_FETCHED_MESSAGE)));
        ObjectNode v2 = FetchedMessages.json(signed(kit, Origin.BACKFILL, null, eve(kit)));
        v2.put("schema", "dev.beacon.fetched-message.v2");
        t.row("an unknown schema version", value(kit.bytes(v2)), whole(dead(UNRECOGNIZED_ENVELOPE)));
        ObjectNode upper = FetchedMessages.json(signed(kit, Origin.BACKFILL, null, eve(kit)));
        upper.put("schema", FetchedMessage.SCHEMA.toUpperCase(java.util.Locale.ROOT));
        t.row("the schema in upper case", value(kit.bytes(upper)), whole(dead(UNRECOGNIZED_ENVELOPE)));
        ObjectNode inCloudEvent = kit.cloudEvent("Microsoft.Graph.ChatMessageCreated",
                FetchedMessages.json(signed(kit, Origin.BACKFILL, null, eve(kit))));
        t.row("a signed fetched message as a CloudEvent's data", value(kit.bytes(inCloudEvent)),
                items(dead(INVALID_NOTIFICATION)));
        // A valid record's unsigned extra members are not read: the smuggled Graph item is never processed.
        ObjectNode smuggling = FetchedMessages.json(signed(kit, Origin.BACKFILL, null,
                kit.chatter(chat("fetched-chatter"), "minutes of the meeting")));
        ObjectNode smuggled = kit.rich(SUB_A, "created", eve(kit));
        smuggled.remove("clientState");
        smuggling.putArray("value").add(smuggled);
        t.row("a signed record carrying a Graph collection besides", value(kit.bytes(smuggling)), items(ignored()));
    }

    private static ObjectNode eve(CorpusKit kit) {
        String id = kit.messageId();
        return kit.emergency(AuthenticityFamily.EVE, id, chat("eve-fetched-" + id), "911",
                "2026-11-22T12:00:00.000Z", "Nowhere");
    }

    private static FetchedMessage unsigned(CorpusKit kit, Origin origin, ObjectNode message, TestKeys keys) {
        return FetchedMessages.unsigned(origin, TENANT, null, message, keys);
    }

    private static FetchedMessage signed(CorpusKit kit, Origin origin, String subscription, ObjectNode message) {
        return FetchedMessages.signed(origin, TENANT, subscription, message, kit.keys, kit.fetchSigningKey);
    }

    private static FetchedMessage with(FetchedMessage m, EncryptedContent content) {
        return new FetchedMessage(m.origin(), m.integrationId(), m.tenantId(), m.subscriptionId(), m.chatId(),
                m.messageId(), m.fetchedAt(), content, null);
    }
}
