package dev.beacon.job.decode;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.contracts.fetched.FetchedMessage;
import dev.beacon.contracts.fetched.FetchedMessageCodec;
import dev.beacon.contracts.records.ContractFormatException;
import dev.beacon.job.ingest.SourceRef;

/**
 * Reads a record that claims to be a {@link FetchedMessage} (the control plane's {@code dev.beacon.fetched-message.v1}
 * on the job's input topic) into a {@link DecodedItem.Fetched}: the contract's own codec parses it, and the ids that
 * end up in keys and sinks must hold no control character, as for Graph's notifications. Shape only: the signature
 * and the content are checked by triage.
 */
final class FetchedRecords {

    private static final String CHAT_MESSAGE_TYPE = "#microsoft.graph.chatMessage";

    private FetchedRecords() {}

    /** @throws ContractFormatException naming the field, never quoting the input */
    static DecodedItem.Fetched read(JsonNode root, SourceRef ref) throws ContractFormatException {
        FetchedMessage m = FetchedMessageCodec.fromJson(root);
        noControlCharacter("integration_id", m.integrationId());
        noControlCharacter("tenant_id", m.tenantId());
        noControlCharacter("subscription_id", m.subscriptionId());
        noControlCharacter("chat_id", m.chatId());
        noControlCharacter("message_id", m.messageId());
        var c = m.content();
        noControlCharacter("encrypted_content.encryptionCertificateId", c.encryptionCertificateId());
        // Seen as Graph would have delivered it richly: a created notification of the message, for its tenant.
        ChangeNotification asNotification = new ChangeNotification(ref, ChangeNotification.FETCHED, m.subscriptionId(), "created", null,
                m.tenantId(), m.resource(), m.chatId(), m.messageId(), CHAT_MESSAGE_TYPE, null, null, c, null,
                null, 0L, root);
        return new DecodedItem.Fetched(m, asNotification);
    }

    private static void noControlCharacter(String field, String value) throws ContractFormatException {
        String bad = value == null ? null : ControlCharacters.describeFirst(value);
        if (bad != null) {
            throw new ContractFormatException(field + " contains " + bad);
        }
    }
}
