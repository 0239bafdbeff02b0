package dev.beacon.job.decode;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The chat (or channel) id and message (or reply) id named by a Graph resource path. Graph writes both OData key
 * syntax, {@code chats('19:x@thread.v2')/messages('123')}, and path syntax, {@code chats/19:x@thread.v2/messages/123};
 * channel messages look like {@code teams('t')/channels('c')/messages('m')[/replies('r')]}.
 */
record ResourceIds(String chatId, String messageId) {

    static final ResourceIds NONE = new ResourceIds(null, null);

    // One segment: a collection name followed by its key, either ('key') or /key. Graph's ids never contain quotes;
    // plain character classes (no repeated groups) keep matching iterative on long hostile input.
    private static final Pattern SEGMENT =
            Pattern.compile("(?i)(?:^|/)(chats|channels|messages|replies)(?:\\('([^']*)'\\)|/([^/'()?]+))");

    static ResourceIds parse(String resource) {
        if (resource == null || resource.isEmpty()) {
            return NONE;
        }
        String chat = null;
        String message = null;
        Matcher m = SEGMENT.matcher(resource);
        while (m.find()) {
            String key = m.group(2) != null ? m.group(2) : m.group(3);
            if (key.isEmpty()) {
                continue;
            }
            switch (m.group(1).toLowerCase(java.util.Locale.ROOT)) {
                case "chats", "channels" -> chat = key;
                default -> message = key; // messages, or replies (a reply is a message of its own)
            }
        }
        return new ResourceIds(chat, message);
    }

    /** These ids, with any missing one taken from {@code other}. */
    ResourceIds orElse(ResourceIds other) {
        return new ResourceIds(chatId != null ? chatId : other.chatId, messageId != null ? messageId : other.messageId);
    }
}
