package dev.beacon.control.backfill;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the backfill covers an app-only integration's tenant-wide {@code /chats/getAllMessages} subscription. Graph
 * cannot list that resource, only each user's ({@code /users/{user}/chats/getAllMessages}); without backfill users
 * its lost notifications are never recovered. That must never be silent: the integration shows the status flag
 * {@link #FLAG}, each uncovered run is counted, and one WARN per integration (again only after it was covered and is
 * not any more) names the command that fixes it.
 */
public final class TenantWideCoverage {

    private static final Logger log = LoggerFactory.getLogger(Backfiller.class);

    /** The integration status flag of an uncovered integration. */
    public static final String FLAG = "backfill-uncovered";
    private static final Pattern TENANT_WIDE = Pattern.compile("^/?chats/getAllMessages(?:\\?.*)?$",
            Pattern.CASE_INSENSITIVE);

    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, AtomicLong> uncoveredRuns = new ConcurrentHashMap<>();

    /** The tenant-wide {@code /chats/getAllMessages}, with or without a query ({@code ?model=B}). */
    public static boolean tenantWide(String resource) {
        return resource != null && TENANT_WIDE.matcher(resource.strip()).matches();
    }

    /** An app-only integration with a tenant-wide resource and no backfill user. */
    public static boolean uncovered(boolean delegated, Collection<String> resources, Collection<String> users) {
        return !delegated && users.isEmpty() && resources.stream().anyMatch(TenantWideCoverage::tenantWide);
    }

    /** A run of {@code integrationId} could not list its tenant-wide resource: counted, and warned once. */
    void uncoveredRun(String integrationId) {
        uncoveredRuns.computeIfAbsent(integrationId, k -> new AtomicLong()).incrementAndGet();
        if (warned.add(integrationId)) {
            log.warn("integration {}: subscribed to the tenant-wide /chats/getAllMessages, which Graph cannot list, "
                    + "and has no backfill users: notifications Graph loses are NOT recovered. Name the security "
                    + "desk: beaconctl integrations set-backfill-users {} <user>...", integrationId, integrationId);
        }
    }

    /**
     * Graph answered 404 for backfill user {@code position} (1-based, of the sorted list): warned once per user and
     * integration. The log names its position, not the reference (personal data).
     */
    void unknownUser(String integrationId, int position, int of) {
        if (warned.add(integrationId + "#" + position + "/" + of)) {
            log.warn("integration {}: Graph has no user for backfill user #{} of {} (404); backfilled the others. "
                    + "Check the list: beaconctl integrations list", integrationId, position, of);
        }
    }

    /** Covered (again): a later loss of coverage warns anew. */
    void covered(String integrationId) {
        warned.remove(integrationId);
    }

    /** Runs of {@code integrationId} in this process that could not list its tenant-wide resource. */
    public long uncoveredRuns(String integrationId) {
        AtomicLong n = uncoveredRuns.get(integrationId);
        return n == null ? 0 : n.get();
    }
}
