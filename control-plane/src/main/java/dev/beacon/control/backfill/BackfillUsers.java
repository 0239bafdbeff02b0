package dev.beacon.control.backfill;

import dev.beacon.control.integration.Integration;
import dev.beacon.control.integration.IntegrationStore;
import dev.beacon.control.store.IntegrationList;
import dev.beacon.control.store.Sql;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The users whose chats the backfill lists for an app-only integration subscribed to the tenant-wide
 * {@code /chats/getAllMessages} (table {@code backfill_user}). Graph has no tenant-wide list, only
 * {@code GET /users/{id | userPrincipalName}/chats/getAllMessages}; the emergency notifications reach the members of
 * the emergency calling policy's notification group (the security desk), so those are the users to name.
 *
 * <p>A user reference is an Entra object id (GUID) or a user principal name; both are personal data. Only app-only
 * integrations may have any: delegated ones backfill the signed-in account's chats.
 */
public final class BackfillUsers {

    /** More users than a security desk has; bounds one run's requests (one list per user). */
    public static final int MAX_USERS = 500;
    public static final int MAX_LENGTH = 256;
    private static final Pattern OBJECT_ID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /**
     * A UPN: Entra's allowed local-part characters that are legal in a URL path as they are (no '#', '^', '/', '?'
     * or '%'), an
     * '@' and a domain of at least two DNS labels. A UPN starting with '$' needs Graph's {@code users('…')} form:
     * refused (give the object id).
     */
    private static final Pattern UPN = Pattern.compile(
            "[A-Za-z0-9'_!~+-][A-Za-z0-9'._!~+-]{0,112}@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+"
                    + "[A-Za-z]{2,63}");

    private final IntegrationStore integrations;
    private final IntegrationList rows;

    public BackfillUsers(Sql sql, IntegrationStore integrations, Clock clock) {
        this.integrations = integrations;
        this.rows = new IntegrationList(sql, "backfill_user", "user_ref", clock);
    }

    /** The integration's user references, sorted. */
    public List<String> list(String integrationId) {
        return rows.list(integrationId);
    }

    /**
     * Makes {@code users} the integration's backfill users (an empty list removes them all), in one transaction.
     *
     * @throws IllegalArgumentException for an unknown or delegated integration, or a bad reference
     */
    public List<String> replace(String integrationId, Collection<String> users) {
        Integration i = integrations.require(integrationId);
        List<String> wanted = checked(users);
        if (!wanted.isEmpty()) {
            requireAppOnly(i.id(), i.authMode().delegated(), i.authMode().dbValue());
        }
        return rows.replace(integrationId, wanted);
    }

    /**
     * @throws IllegalArgumentException for a delegated integration, saying why and what to do
     */
    public static void requireAppOnly(String integrationId, boolean delegated, String authMode) {
        if (delegated) {
            throw new IllegalArgumentException("integration '" + integrationId + "' signs in as a user ("
                    + authMode + "): its backfill lists the signed-in account's chats; backfill users are for "
                    + "client-credentials integrations subscribed to the tenant-wide /chats/getAllMessages (Graph "
                    + "lists getAllMessages per user, with the application permission Chat.Read.All)");
        }
    }

    /**
     * The references, validated, trimmed and de-duplicated (case-insensitively: Graph matches both forms so), in
     * order.
     *
     * @throws IllegalArgumentException naming the rule (never the value) for a bad one or too many
     */
    public static List<String> checked(Collection<String> users) {
        Map<String, String> out = new LinkedHashMap<>();
        int index = 0;
        for (String u : users) {
            String problem = problem(u);
            if (problem != null) {
                throw new IllegalArgumentException("backfill user #" + (index + 1) + " " + problem);
            }
            out.putIfAbsent(u.strip().toLowerCase(Locale.ROOT), u.strip());
            index++;
        }
        if (out.size() > MAX_USERS) {
            throw new IllegalArgumentException("at most " + MAX_USERS + " backfill users");
        }
        return new ArrayList<>(out.values());
    }

    /** What is wrong with one reference ("must be …"), or null when it is an object id or a UPN. */
    public static String problem(String user) {
        if (user == null || user.isBlank()) {
            return "is required";
        }
        String u = user.strip();
        if (u.length() > MAX_LENGTH || !(OBJECT_ID.matcher(u).matches() || UPN.matcher(u).matches())) {
            return "must be an Entra user object id (GUID) or a user principal name such as desk@contoso.com "
                    + "(at most " + MAX_LENGTH + " characters)";
        }
        return null;
    }
}
