package dev.beacon.control.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.control.emulator.EntraEndpoints.IssuedToken;
import dev.beacon.control.emulator.MicrosoftEmulator.Request;
import dev.beacon.control.emulator.MicrosoftEmulator.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Graph's user delta query over users the tests put per tenant ({@code api-reference/v1.0/api/user-delta.md}):
 * {@code GET /v1.0/users/delta[?$select=…]} returns every user of the caller's tenant, paged by
 * {@code @odata.nextLink} ({@code $skiptoken}), the last page carrying {@code @odata.deltaLink}
 * ({@code $deltatoken}); a round from a delta link returns only the users changed since (their current selected
 * properties: no {@code Prefer: return=minimal} support) and removed ones as {@code {"id":…,"@removed":{"reason":…}}}.
 * Failures as Graph answers them: 403 {@code Authorization_RequestDenied} for an app {@link #denyUserRead denied}
 * the permission, 410 {@code SyncStateNotFound} for a delta token {@link #expireDeltaTokens expired}, 429 with
 * Retry-After ({@link #throttleNext}).
 */
public final class GraphDirectory {

    static final String PATH = "/v1\\.0/users/delta";

    private final MicrosoftEmulator emulator;
    private final Map<String, Tenant> tenants = new ConcurrentHashMap<>();
    private final Set<String> deniedClients = ConcurrentHashMap.newKeySet();
    private volatile int pageSize = 100;

    /** One tenant's users and their change history (a sequence number per change). */
    private static final class Tenant {
        final Map<String, ObjectNode> users = new TreeMap<>(); // current state; removed ones absent
        final Map<String, String> removed = new HashMap<>(); // id -> reason
        final List<String> changes = new ArrayList<>(); // changes.get(seq - 1) = the user id changed at seq
        int epoch; // delta tokens of an earlier epoch are no longer known
    }

    GraphDirectory(MicrosoftEmulator emulator) {
        this.emulator = emulator;
        emulator.route("GET", PATH, this::delta);
    }

    /** Adds or replaces a user of {@code tenant} (its Graph JSON; {@code id} required). */
    public void putUser(String tenant, ObjectNode user) {
        String id = user.path("id").asText();
        Tenant t = tenant(tenant);
        synchronized (t) {
            t.users.put(id, user.deepCopy());
            t.removed.remove(id);
            t.changes.add(id);
        }
    }

    /** Deletes a user: delta rounds report it {@code @removed} with {@code reason} ({@code changed}, {@code deleted}). */
    public void removeUser(String tenant, String userId, String reason) {
        Tenant t = tenant(tenant);
        synchronized (t) {
            t.users.remove(userId);
            t.removed.put(userId, reason);
            t.changes.add(userId);
        }
    }

    /**
     * The id of the tenant's user {@code idOrUpn} names, as Graph resolves {@code /users/{id | userPrincipalName}}:
     * an object id or a UPN, case-insensitively; empty when no such user was put.
     */
    java.util.Optional<String> userId(String tenant, String idOrUpn) {
        Tenant t = tenant(tenant);
        synchronized (t) {
            for (ObjectNode u : t.users.values()) {
                if (u.path("id").asText().equalsIgnoreCase(idOrUpn)
                        || u.path("userPrincipalName").asText().equalsIgnoreCase(idOrUpn)) {
                    return java.util.Optional.of(u.path("id").asText());
                }
            }
            return java.util.Optional.empty();
        }
    }

    /** Users per page (Graph decides its page size; small values force nextLinks). */
    public void pageSize(int n) {
        this.pageSize = n;
    }

    /** Tokens issued to {@code clientId} lack User.Read.All (and User.ReadBasic.All): 403. */
    public void denyUserRead(String clientId) {
        deniedClients.add(clientId.toLowerCase(Locale.ROOT));
    }

    public void allowUserRead(String clientId) {
        deniedClients.remove(clientId.toLowerCase(Locale.ROOT));
    }

    /** Every delta token issued so far for {@code tenant} is no longer known (410). */
    public void expireDeltaTokens(String tenant) {
        Tenant t = tenant(tenant);
        synchronized (t) {
            t.epoch++;
        }
    }

    /** The next {@code times} delta requests get 429 with {@code Retry-After: retryAfterSeconds}. */
    public MicrosoftEmulator.Fault throttleNext(int times, int retryAfterSeconds) {
        return emulator.inject("GET", PATH, GraphEndpoints.error(429, "TooManyRequests", "Too many requests.")
                .withHeader("Retry-After", String.valueOf(retryAfterSeconds)), times);
    }

    private Tenant tenant(String tenant) {
        return tenants.computeIfAbsent(tenant.toLowerCase(Locale.ROOT), k -> new Tenant());
    }

    private Response delta(Request req) {
        IssuedToken caller = emulator.entra().validAccessToken(req.bearer()).orElse(null);
        if (caller == null) {
            return GraphEndpoints.error(401, "InvalidAuthenticationToken", "Access token is empty or invalid.");
        }
        if (caller.clientId() != null && deniedClients.contains(caller.clientId().toLowerCase(Locale.ROOT))) {
            return GraphEndpoints.error(403, "Authorization_RequestDenied",
                    "Insufficient privileges to complete the operation.");
        }
        Tenant t = tenant(caller.tenantId());
        String select = req.query().get("$select");
        long from;
        long to;
        int offset;
        synchronized (t) {
            String skip = req.query().get("$skiptoken");
            String delta = req.query().get("$deltatoken");
            try {
                if (skip != null) { // from.to.offset; from -1: a full round
                    String[] p = skip.split("\\.");
                    from = Long.parseLong(p[0]);
                    to = Long.parseLong(p[1]);
                    offset = Integer.parseInt(p[2]);
                } else {
                    if (delta == null) {
                        from = -1;
                    } else { // epoch.seq
                        String[] p = delta.split("\\.");
                        if (Integer.parseInt(p[0]) != t.epoch) {
                            return GraphEndpoints.error(410, "SyncStateNotFound", "The sync state is no longer "
                                    + "available; restart the delta query.").withHeader("Location",
                                    "https://graph.microsoft.com/v1.0/users/delta");
                        }
                        from = Long.parseLong(p[1]);
                    }
                    to = t.changes.size();
                    offset = 0;
                }
            } catch (RuntimeException e) {
                return GraphEndpoints.error(400, "BadRequest", "Invalid skip or delta token.");
            }
            // The users changed in (from, to]; a full round leaves out the removed ones.
            Set<String> ids = new LinkedHashSet<>();
            for (long seq = Math.max(from, 0) + 1; seq <= to && seq <= t.changes.size(); seq++) {
                ids.add(t.changes.get((int) (seq - 1)));
            }
            List<ObjectNode> items = new ArrayList<>();
            for (String id : new java.util.TreeSet<>(ids)) {
                ObjectNode u = t.users.get(id);
                if (u != null) {
                    items.add(project(u, select));
                } else if (from >= 0 && t.removed.containsKey(id)) {
                    ObjectNode r = emulator.json().createObjectNode();
                    r.put("@odata.type", "#microsoft.graph.user");
                    r.put("id", id);
                    r.putObject("@removed").put("reason", t.removed.get(id));
                    items.add(r);
                }
            }
            ObjectNode root = emulator.json().createObjectNode();
            root.put("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#users");
            ArrayNode value = root.putArray("value");
            int end = Math.min(items.size(), offset + pageSize);
            for (int i = offset; i < end; i++) {
                value.add(items.get(i));
            }
            String base = "https://graph.microsoft.com/v1.0/users/delta?";
            String sel = select == null ? "" : "$select=" + enc(select) + "&";
            if (end < items.size()) {
                root.put("@odata.nextLink", base + sel + "$skiptoken=" + from + "." + to + "." + end);
            } else {
                root.put("@odata.deltaLink", base + "$deltatoken=" + t.epoch + "." + to);
            }
            return Response.json(200, root.toString());
        }
    }

    /** The selected properties (all that are set without {@code $select}), id always, unset ones as null. */
    private ObjectNode project(ObjectNode user, String select) {
        ObjectNode out = emulator.json().createObjectNode();
        out.put("@odata.type", "#microsoft.graph.user");
        if (select == null) {
            out.setAll(user);
            return out;
        }
        out.put("id", user.path("id").asText());
        for (String f : select.split(",")) {
            String field = f.strip();
            if (!field.isEmpty() && !field.equals("id")) {
                JsonNode v = user.get(field);
                out.set(field, v == null ? (field.equals("businessPhones") ? emulator.json().createArrayNode()
                        : emulator.json().nullNode()) : v.deepCopy());
            }
        }
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
