package dev.beacon.job.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Graph {@code chatMessage} resources as the job sees them after decrypting a rich notification. Start from
 * {@link #emergency()} (the security-desk notification for a 911 call, as far as public evidence shows its shape)
 * or {@link #chatter(String)}, change what the test is about, then {@link #node()} or {@link #json()}.
 */
public final class ChatMessages {

    public static final String GROUP_CHAT_ID = "19:6d1e5f0b2c4a4c4e9a3f@thread.v2";
    public static final String MEETING_CHAT_ID = "19:meeting_NjQ5ZDFmYjEtNzM0Ni00@thread.v2";
    public static final String ONE_ON_ONE_CHAT_ID =
            "19:8ea0e38b-efb3-4757-924a-5f94061cf8c2_97f62344-57dc-409c-88ad-c4af14158ff5@unq.gbl.spaces";
    public static final String MESSAGE_ID = "1729760713464";
    public static final String CREATED = "2024-10-24T09:05:13.464Z";
    public static final long CREATED_MILLIS = 1_729_760_713_464L;
    public static final String CALLER_ID = "8ea0e38b-efb3-4757-924a-5f94061cf8c2";
    public static final String CALLER_NAME = "Ada Lovelace";
    public static final String TENANT_ID = "2432b57b-0abd-43db-aa7b-16eadd115d34";
    public static final String APP_ID = "5a1f0c3e-1111-4c4c-9d9d-0a0a0a0a0a0a";

    public static final String EMERGENCY_HTML =
            "<p>Ada Lovelace has placed an Emergency Call to 911.</p><p>Location: Building 42, 1 Main Street, Redmond</p>";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ObjectNode message;

    private ChatMessages(ObjectNode message) {
        this.message = message;
    }

    /** A security-desk notification: high importance, from the caller, HTML body {@link #EMERGENCY_HTML}. */
    public static ChatMessages emergency() {
        return base(EMERGENCY_HTML).importance("high");
    }

    /** An ordinary chat message from the same user, with the given HTML body. */
    public static ChatMessages chatter(String html) {
        return base(html);
    }

    private static ChatMessages base(String html) {
        ObjectNode m = MAPPER.createObjectNode();
        m.put("id", MESSAGE_ID);
        m.putNull("replyToId");
        m.put("etag", MESSAGE_ID);
        m.put("messageType", "message");
        m.put("createdDateTime", CREATED);
        m.put("lastModifiedDateTime", CREATED);
        m.putNull("lastEditedDateTime");
        m.putNull("deletedDateTime");
        m.putNull("subject");
        m.putNull("summary");
        m.put("chatId", GROUP_CHAT_ID);
        m.put("importance", "normal");
        m.put("locale", "en-us");
        m.putNull("webUrl");
        fromUser(m, CALLER_ID, CALLER_NAME, TENANT_ID);
        ObjectNode body = m.putObject("body");
        body.put("contentType", "html");
        body.put("content", html);
        m.putArray("attachments");
        m.putArray("mentions");
        m.putArray("reactions");
        return new ChatMessages(m);
    }

    /**
     * Sets {@code from} to a user sender as Graph writes it; a null id or tenant is left out (hostile and
     * incomplete variants). The one definition of a user sender for the job's tests.
     */
    public static void fromUser(ObjectNode message, String userId, String displayName, String tenantId) {
        ObjectNode from = message.putObject("from");
        from.putNull("application");
        from.putNull("device");
        ObjectNode user = from.putObject("user");
        user.put("@odata.type", "#microsoft.graph.teamworkUserIdentity");
        if (userId != null) {
            user.put("id", userId);
        }
        user.put("displayName", displayName);
        user.put("userIdentityType", "aadUser");
        if (tenantId != null) {
            user.put("tenantId", tenantId);
        }
    }

    /** The message id (and its etag, which Graph sets to the same value for a new message). */
    public ChatMessages id(String id) {
        message.put("id", id);
        message.put("etag", id);
        return this;
    }

    /** createdDateTime and lastModifiedDateTime; null removes both (a message without times). */
    public ChatMessages times(String isoTime) {
        if (isoTime == null) {
            message.remove("createdDateTime");
            message.remove("lastModifiedDateTime");
        } else {
            message.put("createdDateTime", isoTime);
            message.put("lastModifiedDateTime", isoTime);
        }
        return this;
    }

    public ChatMessages html(String content) {
        return body("html", content);
    }

    public ChatMessages text(String content) {
        return body("text", content);
    }

    public ChatMessages body(String contentType, String content) {
        ObjectNode body = message.putObject("body");
        body.put("contentType", contentType);
        body.put("content", content);
        return this;
    }

    public ChatMessages importance(String importance) {
        message.put("importance", importance);
        return this;
    }

    public ChatMessages chatId(String chatId) {
        message.put("chatId", chatId);
        return this;
    }

    public ChatMessages messageType(String messageType) {
        message.put("messageType", messageType);
        return this;
    }

    public ChatMessages subject(String subject) {
        message.put("subject", subject);
        return this;
    }

    public ChatMessages lastModified(String isoTime) {
        message.put("lastModifiedDateTime", isoTime);
        return this;
    }

    public ChatMessages created(String isoTime) {
        message.put("createdDateTime", isoTime);
        return this;
    }

    /** Soft-deleted: Graph keeps the message with a {@code deletedDateTime} and an empty body. */
    public ChatMessages deletedAt(String isoTime) {
        message.put("deletedDateTime", isoTime);
        return this;
    }

    /** Sent by an application (a bot or a workflow) instead of a user. */
    public ChatMessages fromApplication() {
        ObjectNode from = message.putObject("from");
        ObjectNode app = from.putObject("application");
        app.put("@odata.type", "#microsoft.graph.teamworkApplicationIdentity");
        app.put("id", APP_ID);
        app.put("displayName", "Workflows");
        app.put("applicationIdentityType", "bot");
        from.putNull("device");
        from.putNull("user");
        return this;
    }

    /** A system message has {@code "from": null}. */
    public ChatMessages fromNobody() {
        message.putNull("from");
        return this;
    }

    public ChatMessages reaction(String reactionType, String userId, String isoTime) {
        ObjectNode reaction = ((ArrayNode) message.get("reactions")).addObject();
        reaction.put("reactionType", reactionType);
        reaction.put("createdDateTime", isoTime);
        ObjectNode user = reaction.putObject("user").putObject("user");
        user.put("id", userId);
        user.putNull("displayName");
        user.put("userIdentityType", "aadUser");
        return this;
    }

    /** An adaptive card attachment; Graph carries the card JSON as a string in {@code content}. */
    public ChatMessages adaptiveCard(String cardJson) {
        return attachment("application/vnd.microsoft.card.adaptive", cardJson);
    }

    public ChatMessages attachment(String contentType, String content) {
        ArrayNode attachments = (ArrayNode) message.get("attachments");
        ObjectNode a = attachments.addObject();
        a.put("id", "att-" + attachments.size());
        a.put("contentType", contentType);
        a.putNull("contentUrl");
        a.put("content", content);
        a.putNull("name");
        a.putNull("thumbnailUrl");
        return this;
    }

    /** For shapes the builder does not cover: edit the JSON directly. */
    public ObjectNode node() {
        return message;
    }

    public String json() {
        return message.toString();
    }

    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
