package dev.beacon.job.correlate;

import java.util.Comparator;
import java.util.Objects;

/**
 * One chat message that fed a fact, with what it said about the call. Plain mutable POJO (not a record) because it
 * lives in keyed state inside a list and is updated in place when the message is amended or deleted.
 *
 * <p>The fact's fields are derived from its messages ({@link CallFields}), never from the order they arrived in, so
 * each message keeps the fields it contributed.
 */
public class MessageRef {

    /** The canonical order of a call's messages: by creation time, then chat and message id. */
    public static final Comparator<MessageRef> CANONICAL_ORDER = Comparator
            .comparingLong((MessageRef m) -> m.createdAtMillis)
            .thenComparing(m -> m.chatId, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(m -> m.messageId, Comparator.nullsFirst(Comparator.naturalOrder()));

    public String chatId;
    public String messageId;
    public String subscriptionId;
    public long createdAtMillis;
    /** True when {@code createdAtMillis} came from the notification, not the message's createdDateTime. */
    public boolean createdAtInferred;
    public String contentHash;
    public boolean deleted;
    public String callerDisplayName;
    public String dialedNumber;
    public boolean testCall;
    public String locationText;
    /** The message's lastModifiedDateTime of the version these fields come from. */
    public long lastModifiedAtMillis;

    public MessageRef() {}

    public MessageRef(String chatId, String messageId, String subscriptionId, long createdAtMillis, String contentHash) {
        this.chatId = chatId;
        this.messageId = messageId;
        this.subscriptionId = subscriptionId;
        this.createdAtMillis = createdAtMillis;
        this.contentHash = contentHash;
    }

    public boolean sameMessage(String chat, String message) {
        return Objects.equals(chatId, chat) && Objects.equals(messageId, message);
    }

    public MessageRef copy() {
        MessageRef c = new MessageRef(chatId, messageId, subscriptionId, createdAtMillis, contentHash);
        c.createdAtInferred = createdAtInferred;
        c.deleted = deleted;
        c.callerDisplayName = callerDisplayName;
        c.dialedNumber = dialedNumber;
        c.testCall = testCall;
        c.locationText = locationText;
        c.lastModifiedAtMillis = lastModifiedAtMillis;
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageRef m
                && createdAtMillis == m.createdAtMillis
                && createdAtInferred == m.createdAtInferred
                && deleted == m.deleted
                && testCall == m.testCall
                && lastModifiedAtMillis == m.lastModifiedAtMillis
                && Objects.equals(chatId, m.chatId)
                && Objects.equals(messageId, m.messageId)
                && Objects.equals(subscriptionId, m.subscriptionId)
                && Objects.equals(contentHash, m.contentHash)
                && Objects.equals(callerDisplayName, m.callerDisplayName)
                && Objects.equals(dialedNumber, m.dialedNumber)
                && Objects.equals(locationText, m.locationText);
    }

    @Override
    public int hashCode() {
        return Objects.hash(chatId, messageId, createdAtMillis, contentHash, deleted);
    }

    @Override
    public String toString() {
        return chatId + "/" + messageId + "@" + createdAtMillis + (deleted ? " (deleted)" : "");
    }
}
