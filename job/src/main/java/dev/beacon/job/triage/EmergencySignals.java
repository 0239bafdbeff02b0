package dev.beacon.job.triage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.job.audit.DeadLetterReason;
import dev.beacon.job.decode.ChangeNotification;
import dev.beacon.job.decode.ControlCharacters;
import dev.beacon.job.detect.Detection;
import dev.beacon.job.detect.EmergencySignal;

/**
 * Builds the signal correlation needs from a notification and what the detector read, or says why it cannot be
 * built. Correlation keys a message by tenant, chat and message, and a call by tenant and caller, and dates a call by
 * its first message: a signal without any of these would be merged wrongly or dropped as "ignored" downstream, so
 * it is a dead letter here instead, with the notification kept for a rerun. Pure functions.
 */
final class EmergencySignals {

    private EmergencySignals() {}

    /** A signal for correlation, or the reason the notification is a dead letter. */
    sealed interface Outcome permits Accepted, Rejected {}

    record Accepted(EmergencySignal signal) implements Outcome {}

    /** @param detail names what is missing; never message content */
    record Rejected(DeadLetterReason reason, String detail) implements Outcome {}

    /**
     * A detected emergency. Checked in this order: a user caller, the chat and message ids, the tenant, the call
     * time.
     *
     * @param message the decrypted chatMessage the detection came from; supplies ids the resource path lacks
     */
    static Outcome emergency(ChangeNotification n, Detection d, JsonNode message) {
        String noCaller = d.missingCallerReason();
        if (noCaller != null) {
            return new Rejected(DeadLetterReason.EMERGENCY_WITHOUT_USER_SENDER, noCaller);
        }
        String chatId = firstPresent(n.chatId(), textOrNull(message, "chatId"));
        String messageId = firstPresent(n.messageId(), textOrNull(message, "id"));
        Rejected missingIds = checkMessageIds(chatId, messageId);
        if (missingIds != null) {
            return missingIds;
        }
        String tenantId = firstPresent(n.tenantId(), d.callerTenantId());
        if (tenantId == null) {
            return new Rejected(DeadLetterReason.MISSING_TENANT,
                    "neither the notification nor the sender names a tenant");
        }
        Rejected badId = firstOf(controlCharacterIn("chat id", chatId), controlCharacterIn("message id", messageId),
                controlCharacterIn("tenant id", tenantId), controlCharacterIn("caller id", d.callerUserId()));
        if (badId != null) {
            return badId;
        }
        long createdAt = d.createdAtMillis();
        boolean inferred = createdAt <= 0;
        if (inferred) {
            createdAt = notificationTimeMillis(n);
            if (createdAt <= 0) {
                return new Rejected(DeadLetterReason.MISSING_CALL_TIME,
                        "no valid createdDateTime in the message, and no CloudEvent time or record timestamp");
            }
        }
        return new Accepted(new EmergencySignal(n.source(), n.subscriptionId(), n.changeType(), tenantId, chatId,
                messageId, true, d.callerUserId(), d.callerDisplayName(), d.callerTenantId(), d.dialedNumber(),
                d.testCall(), d.locationText(), createdAt, inferred, d.lastModifiedAtMillis(), d.contentHash(),
                d.ruleName(), n.channel(), null));
    }

    /**
     * A content-less deletion reference: deduplication knows whether it deletes a message that fed a fact, and finds
     * it by tenant, chat and message, so those must be known (the caller and call time need not).
     *
     * @param message the decrypted chatMessage when the notification had one; null otherwise
     */
    static Outcome bareDeletion(ChangeNotification n, JsonNode message) {
        String chatId = firstPresent(n.chatId(), textOrNull(message, "chatId"));
        String messageId = firstPresent(n.messageId(), textOrNull(message, "id"));
        Rejected missingIds = checkMessageIds(chatId, messageId);
        if (missingIds != null) {
            return missingIds;
        }
        if (n.tenantId() == null) {
            return new Rejected(DeadLetterReason.MISSING_TENANT, "the deletion names no tenant");
        }
        Rejected badId = firstOf(controlCharacterIn("chat id", chatId), controlCharacterIn("message id", messageId));
        if (badId != null) {
            return badId;
        }
        return new Accepted(new EmergencySignal(n.source(), n.subscriptionId(), EmergencySignal.DELETED, n.tenantId(),
                chatId, messageId, false, null, null, null, null, false, null, 0L, false, 0L, null, null,
                n.channel(), null));
    }

    /**
     * The call time to use when the message has no valid {@code createdDateTime}, taken from the notification so that
     * a replay gives the same time (and the same fact id): the CloudEvent's {@code time} (part of the payload, so it
     * survives any capture format), else the record's timestamp (Event Hubs' enqueued time; a capture's {@code ts});
     * 0 when neither exists. Never the wall clock.
     */
    static long notificationTimeMillis(ChangeNotification n) {
        if (n.cloudEventTimeMillis() > 0) {
            return n.cloudEventTimeMillis();
        }
        return Math.max(0L, n.source().ingestedAtMillis());
    }

    private static Rejected checkMessageIds(String chatId, String messageId) {
        if (chatId != null && messageId != null) {
            return null;
        }
        String missing = chatId == null && messageId == null ? "no chat id and no message id"
                : chatId == null ? "no chat id" : "no message id";
        return new Rejected(DeadLetterReason.MISSING_MESSAGE_ID, missing + " in the resource path or the message");
    }

    /**
     * Ids taken from the message were not checked by the decoder, and a control character in an id breaks keys and
     * sinks (PostgreSQL rejects NUL).
     */
    private static Rejected controlCharacterIn(String what, String id) {
        String bad = id == null ? null : ControlCharacters.describeFirst(id);
        return bad == null ? null : new Rejected(DeadLetterReason.INVALID_RESOURCE_DATA, what + " contains " + bad);
    }

    private static Rejected firstOf(Rejected... candidates) {
        for (Rejected r : candidates) {
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    private static String firstPresent(String first, String second) {
        if (first != null && !first.isBlank()) {
            return first;
        }
        return second != null && !second.isBlank() ? second : null;
    }

    private static String textOrNull(JsonNode node, String field) {
        if (node == null) {
            return null;
        }
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? v.textValue() : null;
    }
}
