package dev.beacon.control.emulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.control.emulator.EntraEndpoints.IssuedToken;
import dev.beacon.control.emulator.MicrosoftEmulator.Request;
import dev.beacon.control.emulator.MicrosoftEmulator.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Graph's Teams resource accounts: {@code GET /beta/admin/teams/resourceAccounts} (beta only, as documented in
 * "Teams Phone extensibility"): {@code value} items with {@code id}, {@code userPrincipalName}, {@code appId},
 * {@code displayName}, {@code phoneNumber} ({@code tel:+…}) and {@code acsResourceId}; {@code $top} and pages
 * linked by {@code @odata.nextLink} with a {@code $skiptoken}. Delegated permission
 * {@code TeamsResourceAccount.Read.All} only: an app-only token, or a tenant {@link #forbid forbidden} here (no
 * consent, or the account is no Teams administrator), gets Graph's 403.
 */
public final class GraphResourceAccounts {

    /** One resource account; {@code phoneNumber} as Graph writes it ({@code tel:+15550100}) or null. */
    public record Account(String id, String displayName, String userPrincipalName, String phoneNumber,
                          String acsResourceId, String appId) {}

    private final MicrosoftEmulator emulator;
    private final Map<String, Map<String, Account>> byTenant = new ConcurrentHashMap<>();
    private final Set<String> forbidden = ConcurrentHashMap.newKeySet();
    private volatile int pageSize = 100;

    GraphResourceAccounts(MicrosoftEmulator emulator) {
        this.emulator = emulator;
        emulator.route("GET", "/beta/admin/teams/resourceAccounts", this::list);
    }

    /** Adds or replaces an account of {@code tenant}. */
    public void put(String tenant, Account account) {
        byTenant.computeIfAbsent(tenant, t -> new ConcurrentHashMap<>()).put(account.id(), account);
    }

    public void remove(String tenant, String accountId) {
        byTenant.getOrDefault(tenant, Map.of()).remove(accountId);
    }

    /** Calls from {@code tenant} get 403 (true) or are served again (false). */
    public void forbid(String tenant, boolean forbid) {
        if (forbid) {
            forbidden.add(tenant);
        } else {
            forbidden.remove(tenant);
        }
    }

    /** Items per page when the caller sends no {@code $top}. */
    public void pageSize(int n) {
        pageSize = n;
    }

    private Response list(Request req) {
        IssuedToken caller = emulator.entra().validAccessToken(req.bearer()).orElse(null);
        if (caller == null) {
            return GraphEndpoints.error(401, "InvalidAuthenticationToken", "Access token is empty or invalid.");
        }
        if (caller.appOnly() || forbidden.contains(caller.tenantId())) {
            return GraphEndpoints.error(403, "Forbidden", "Missing scope permissions on the request. API requires "
                    + "one of 'TeamsResourceAccount.Read.All'.");
        }
        int top = pageSize;
        if (req.query().containsKey("$top")) {
            try {
                top = Integer.parseInt(req.query().get("$top").strip());
            } catch (NumberFormatException e) {
                return GraphEndpoints.error(400, "BadRequest", "Invalid $top.");
            }
        }
        int skip = 0;
        if (req.query().containsKey("$skiptoken")) {
            try {
                skip = Integer.parseInt(req.query().get("$skiptoken"));
            } catch (NumberFormatException e) {
                return GraphEndpoints.error(400, "BadRequest", "Invalid $skiptoken.");
            }
        }
        List<Account> all = new ArrayList<>(byTenant.getOrDefault(caller.tenantId(), Map.of()).values());
        all.sort((a, b) -> a.id().compareTo(b.id()));
        ObjectNode root = emulator.json().createObjectNode();
        root.put("@odata.context", "https://graph.microsoft.com/beta/$metadata#admin/teams/resourceAccounts");
        ArrayNode value = root.putArray("value");
        int end = Math.min(all.size(), skip + top);
        for (int i = skip; i < end; i++) {
            Account a = all.get(i);
            value.addObject().put("id", a.id()).put("userPrincipalName", a.userPrincipalName())
                    .put("appId", a.appId()).put("displayName", a.displayName())
                    .put("phoneNumber", a.phoneNumber()).put("acsResourceId", a.acsResourceId());
        }
        if (end < all.size()) {
            root.put("@odata.nextLink", "https://graph.microsoft.com/beta/admin/teams/resourceAccounts?$top=" + top
                    + "&$skiptoken=" + end);
        }
        return Response.json(200, root.toString());
    }
}
