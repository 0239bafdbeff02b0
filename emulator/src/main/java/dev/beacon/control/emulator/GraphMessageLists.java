package dev.beacon.control.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.control.emulator.EntraEndpoints.IssuedToken;
import dev.beacon.control.emulator.MicrosoftEmulator.Request;
import dev.beacon.control.emulator.MicrosoftEmulator.Response;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Graph's list endpoints over the emulator's chat messages ({@link GraphEndpoints#putMessage}), as documented
 * (api-reference/v1.0/api/chat-list-messages.md, chats-getallmessages.md, chat-list.md):
 * <ul>
 *   <li>{@code GET /v1.0/chats/{id}/messages}: {@code $top} default 20, at most 50 (more: 400); {@code $orderby} only
 *       {@code lastModifiedDateTime desc} or {@code createdDateTime desc}; {@code $filter} with {@code gt}/{@code lt}
 *       on the same property as {@code $orderby};</li>
 *   <li>{@code GET /v1.0/users/{id | userPrincipalName}/chats/getAllMessages}: application permissions only (a
 *       delegated token gets 403 like Graph), {@code $top} at most 50, {@code $filter} on
 *       {@code lastModifiedDateTime}, {@code model} A or B. A UPN must name a user of the tenant's
 *       {@link GraphDirectory} (else 404 {@code Request_ResourceNotFound}); an object id is taken as it is. Every
 *       user sees every message of the tenant (the emulator's simplification of membership), so messages delivered
 *       through the tenant-wide {@code /chats/getAllMessages} are listed for any user;</li>
 *   <li>{@code GET /v1.0/users/{id}/chats} and {@code /v1.0/me/chats}: the chats of the caller's tenant that hold
 *       messages (the emulator's simplification of membership); a delegated caller may list only its own.</li>
 * </ul>
 * Pages are linked by {@code @odata.nextLink} with a {@code $skiptoken}. Throttling (429 with Retry-After) comes from
 * {@link MicrosoftEmulator#inject}, e.g. {@code inject("GET", "/v1\\.0/chats/.+/messages", …)}.
 */
final class GraphMessageLists {

    static final int MAX_TOP = 50;
    private static final Pattern CONDITION = Pattern.compile(
            "\\s*(lastModifiedDateTime|createdDateTime)\\s+(gt|lt)\\s+(\\S+)\\s*", Pattern.CASE_INSENSITIVE);

    private final MicrosoftEmulator emulator;
    private final GraphEndpoints graph;

    GraphMessageLists(MicrosoftEmulator emulator, GraphEndpoints graph) {
        this.emulator = emulator;
        this.graph = graph;
        emulator.route("GET", "/v1\\.0/chats/([^/]+)/messages", this::chatMessages);
        emulator.route("GET", "/v1\\.0/users/([^/]+)/chats/getAllMessages", this::allMessages);
        emulator.route("GET", "/v1\\.0/users/([^/]+)/chats", this::chats);
        emulator.route("GET", "/v1\\.0/me/chats", this::chats);
    }

    private Response chatMessages(Request req) {
        IssuedToken caller = caller(req);
        if (caller == null) {
            return unauthorized();
        }
        String chatId = URLDecoder.decode(req.pathParams().get(0), StandardCharsets.UTF_8);
        List<String> stored = graph.messagesByChat(caller.tenantId()).get(chatId);
        if (stored == null) {
            return GraphEndpoints.error(404, "NotFound", "Resource not found.");
        }
        String orderBy = req.query().get("$orderby");
        String property = "lastModifiedDateTime";
        if (orderBy != null) {
            String o = orderBy.strip().replaceAll("\\s+", " ");
            if (o.equalsIgnoreCase("lastModifiedDateTime desc") || o.equalsIgnoreCase("createdDateTime desc")) {
                property = o.substring(0, o.indexOf(' '));
            } else {
                return GraphEndpoints.error(400, "BadRequest", "QueryOptions to order by '" + orderBy
                        + "' is not supported.");
            }
        }
        return page(req, stored, property, orderBy != null, "chats/" + req.pathParams().get(0) + "/messages");
    }

    private Response allMessages(Request req) {
        IssuedToken caller = caller(req);
        if (caller == null) {
            return unauthorized();
        }
        if (!caller.appOnly()) {
            return GraphEndpoints.error(403, "Forbidden", "Missing role permissions on the request. API requires "
                    + "one of 'Chat.Read.All, Chat.ReadWrite.All'. Roles on the request ''.");
        }
        String model = req.query().get("model");
        if (model != null && !model.equals("A") && !model.equals("B")) {
            return GraphEndpoints.error(400, "BadRequest", "Invalid model '" + model + "'.");
        }
        if (req.query().containsKey("$orderby")) {
            return GraphEndpoints.error(400, "BadRequest", "$orderby is not supported on getAllMessages.");
        }
        String user = URLDecoder.decode(req.pathParams().get(0), StandardCharsets.UTF_8);
        if (user.contains("@") && emulator.directory().userId(caller.tenantId(), user).isEmpty()) {
            // A UPN resolves through the directory, like Graph's /users/{userPrincipalName}; an unknown one is 404.
            return GraphEndpoints.error(404, "Request_ResourceNotFound", "Resource '" + user + "' does not exist "
                    + "or one of its queried reference-property objects are not present.");
        }
        List<String> all = new ArrayList<>();
        graph.messagesByChat(caller.tenantId()).values().forEach(all::addAll);
        return page(req, all, "lastModifiedDateTime", false,
                "users/" + req.pathParams().get(0) + "/chats/getAllMessages");
    }

    private Response chats(Request req) {
        IssuedToken caller = caller(req);
        if (caller == null) {
            return unauthorized();
        }
        String user = req.pathParams().isEmpty() ? caller.userObjectId() : req.pathParams().get(0);
        if (!caller.appOnly() && (user == null || !user.equals(caller.userObjectId()))) {
            return GraphEndpoints.error(403, "Forbidden", "Requested API is not supported in delegated context "
                    + "for other users.");
        }
        int top = top(req);
        if (top < 0) {
            return tooLarge();
        }
        List<ObjectNode> chats = new ArrayList<>();
        for (String id : graph.messagesByChat(caller.tenantId()).keySet()) {
            ObjectNode c = emulator.json().createObjectNode();
            c.put("id", id);
            c.put("chatType", "group");
            c.putNull("topic");
            chats.add(c);
        }
        return render(req, chats, top, req.path().replaceFirst("^/v1\\.0/", ""));
    }

    /** Filters, orders (newest first when asked) and pages message JSON texts. */
    private Response page(Request req, List<String> stored, String property, boolean newestFirst, String path) {
        int top = top(req);
        if (top < 0) {
            return tooLarge();
        }
        List<Condition> conditions = new ArrayList<>();
        String filter = req.query().get("$filter");
        if (filter != null) {
            for (String part : filter.split("(?i)\\s+and\\s+")) {
                Matcher m = CONDITION.matcher(part);
                if (!m.matches()) {
                    return GraphEndpoints.error(400, "BadRequest", "Invalid $filter clause.");
                }
                if (!m.group(1).equalsIgnoreCase(property)) {
                    return GraphEndpoints.error(400, "BadRequest", "The $filter property must be the $orderby "
                            + "property.");
                }
                try {
                    conditions.add(new Condition(m.group(2).toLowerCase(), OffsetDateTime.parse(m.group(3)).toInstant()));
                } catch (RuntimeException e) {
                    return GraphEndpoints.error(400, "BadRequest", "Invalid date in $filter.");
                }
            }
        }
        List<ObjectNode> selected = new ArrayList<>();
        for (String text : stored) {
            ObjectNode m = parse(text);
            Instant t = m == null ? null : time(m, property);
            if (t != null && conditions.stream().allMatch(c -> c.test(t))) {
                selected.add(m);
            }
        }
        Comparator<ObjectNode> order = Comparator.comparing((ObjectNode m) -> time(m, property))
                .thenComparing(m -> m.path("id").asText());
        selected.sort(newestFirst ? order.reversed() : order);
        return render(req, selected, top, path);
    }

    private Response render(Request req, List<ObjectNode> items, int top, String path) {
        int skip = 0;
        String token = req.query().get("$skiptoken");
        if (token != null) {
            try {
                skip = Integer.parseInt(token);
            } catch (NumberFormatException e) {
                return GraphEndpoints.error(400, "BadRequest", "Invalid $skiptoken.");
            }
        }
        ObjectNode root = emulator.json().createObjectNode();
        root.put("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#" + path);
        ArrayNode value = root.putArray("value");
        int end = Math.min(items.size(), skip + top);
        for (int i = skip; i < end; i++) {
            value.add(items.get(i));
        }
        if (end < items.size()) {
            Map<String, String> next = new LinkedHashMap<>(req.query());
            next.put("$skiptoken", String.valueOf(end));
            StringBuilder link = new StringBuilder("https://graph.microsoft.com/v1.0/").append(path);
            char sep = '?';
            for (var e : next.entrySet()) {
                link.append(sep).append(e.getKey()).append('=')
                        .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8).replace("+", "%20"));
                sep = '&';
            }
            root.put("@odata.nextLink", link.toString());
        }
        return Response.json(200, root.toString());
    }

    /** {@code $top}: default 20; -1 when above Graph's maximum. */
    private static int top(Request req) {
        String v = req.query().get("$top");
        if (v == null) {
            return 20;
        }
        int top = Integer.parseInt(v.strip());
        return top > MAX_TOP || top < 1 ? -1 : top;
    }

    private static Response tooLarge() {
        return GraphEndpoints.error(400, "BadRequest", "The limit of '" + MAX_TOP + "' for Top query has been "
                + "exceeded. The value from the incoming request is too large.");
    }

    private ObjectNode parse(String text) {
        try {
            JsonNode n = emulator.json().readTree(text);
            return n instanceof ObjectNode o ? o : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static Instant time(JsonNode m, String property) {
        String v = m.path(property).asText(null);
        try {
            return v == null ? null : OffsetDateTime.parse(v).toInstant();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private IssuedToken caller(Request req) {
        return emulator.entra().validAccessToken(req.bearer()).orElse(null);
    }

    private static Response unauthorized() {
        return GraphEndpoints.error(401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid.");
    }

    private record Condition(String op, Instant value) {
        boolean test(Instant t) {
            return op.equals("gt") ? t.isAfter(value) : t.isBefore(value);
        }
    }
}
