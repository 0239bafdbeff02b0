package dev.beacon.job.correlate;

/**
 * One chat message that fed a fact. Plain mutable POJO (not a record) because it lives in keyed state inside a
 * list and is updated in place when the message is amended or deleted.
 */
public class MessageRef {
    public String chatId;
    public String messageId;
    public String subscriptionId;
    public long createdAtMillis;
    public String contentHash;
    public boolean deleted;

    public MessageRef() {}

    public MessageRef(String chatId, String messageId, String subscriptionId, long createdAtMillis, String contentHash) {
        this.chatId = chatId;
        this.messageId = messageId;
        this.subscriptionId = subscriptionId;
        this.createdAtMillis = createdAtMillis;
        this.contentHash = contentHash;
    }

    public boolean sameMessage(String chat, String message) {
        return chatId.equals(chat) && messageId.equals(message);
    }

    public MessageRef copy() {
        MessageRef c = new MessageRef(chatId, messageId, subscriptionId, createdAtMillis, contentHash);
        c.deleted = deleted;
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageRef m
                && createdAtMillis == m.createdAtMillis
                && deleted == m.deleted
                && java.util.Objects.equals(chatId, m.chatId)
                && java.util.Objects.equals(messageId, m.messageId)
                && java.util.Objects.equals(subscriptionId, m.subscriptionId)
                && java.util.Objects.equals(contentHash, m.contentHash);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(chatId, messageId, subscriptionId, createdAtMillis, contentHash, deleted);
    }

    @Override
    public String toString() {
        return chatId + "/" + messageId + (deleted ? " (deleted)" : "");
    }
}
