package dev.beacon.job.decode;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.contracts.fetched.FetchedMessage;
import dev.beacon.contracts.fetched.Origin;
import dev.beacon.job.audit.DeadLetterReason;
import dev.beacon.job.ingest.RawRecord;
import dev.beacon.job.testing.ChatMessages;
import dev.beacon.job.testing.FetchedMessages;
import dev.beacon.job.testing.TestKeys;
import org.junit.jupiter.api.Test;

/**
 * The decoder recognises the control plane's fetched messages among Graph's JSON by their exact {@code schema}, and
 * presents each as a rich {@code created} notification of its message, content still encrypted.
 */
class FetchedRecordsTest {

    private static final TestKeys KEYS = TestKeys.generate("decode-fetched-certificate");
    private static final byte[] KEY = FetchedMessages.newKey();

    private final NotificationDecoder decoder = new NotificationDecoder(DecodeLimits.defaults());

    @Test
    void aFetchedMessageIsOneItemSeenAsARichCreatedNotification() {
        FetchedMessage sent = FetchedMessages.signed(Origin.HYDRATION, ChatMessages.TENANT_ID, "sub-1",
                ChatMessages.emergency().node(), KEYS, KEY);
        DecodeResult r = decoder.decode(record(FetchedMessages.value(sent)));

        assertThat(r.failed()).isFalse();
        assertThat(r.items()).hasSize(1);
        DecodedItem.Fetched f = (DecodedItem.Fetched) r.items().get(0);
        assertThat(f.message()).isEqualTo(sent);
        ChangeNotification n = f.notification();
        assertThat(n.source().itemIndex()).isZero();
        assertThat(n.channel()).isEqualTo("fetched");
        assertThat(n.changeType()).isEqualTo("created");
        assertThat(n.subscriptionId()).isEqualTo("sub-1");
        assertThat(n.tenantId()).isEqualTo(ChatMessages.TENANT_ID);
        assertThat(n.resource()).isEqualTo(sent.resource());
        assertThat(n.chatId()).isEqualTo(ChatMessages.GROUP_CHAT_ID);
        assertThat(n.messageId()).isEqualTo(ChatMessages.MESSAGE_ID);
        assertThat(n.clientState()).isNull();
        assertThat(n.encryptedContent().data()).isEqualTo(sent.content().data());
        assertThat(n.encryptedContent().encryptionCertificateId()).isEqualTo(KEYS.certificateId());
        assertThat(n.isValidation()).isFalse();
        assertThat(n.isLifecycle()).isFalse();
    }

    @Test
    void aGraphCollectionClaimingTheSchemaIsJudgedAsAFetchedMessage() {
        ObjectNode spoof = FetchedMessages.json(FetchedMessages.signed(Origin.BACKFILL, "t", null,
                ChatMessages.emergency().node(), KEYS, KEY));
        spoof.remove("origin");
        spoof.putArray("value").addObject().put("subscriptionId", "s").put("changeType", "created");
        DecodeResult r = decoder.decode(record(FetchedMessages.bytes(spoof)));

        DecodedItem.Invalid bad = (DecodedItem.Invalid) r.items().get(0);
        assertThat(r.items()).hasSize(1);
        assertThat(bad.reason()).isEqualTo(DeadLetterReason.INVALID_FETCHED_MESSAGE);
        assertThat(bad.detail()).isEqualTo("origin is missing or empty");
    }

    @Test
    void anotherSchemaIsNotAFetchedMessage() {
        ObjectNode other = FetchedMessages.json(FetchedMessages.signed(Origin.BACKFILL, "t", null,
                ChatMessages.emergency().node(), KEYS, KEY));
        other.put("schema", FetchedMessage.SCHEMA + " ");
        DecodeResult r = decoder.decode(record(FetchedMessages.bytes(other)));
        assertThat(r.failure()).isEqualTo(DeadLetterReason.UNRECOGNIZED_ENVELOPE);
    }

    private static RawRecord record(byte[] value) {
        return new RawRecord("teams-events", 0, 7, 1_000L, null, new String[0], value);
    }
}
