package dev.beacon.control.lines;

import dev.beacon.control.graph.GraphException;
import dev.beacon.control.signin.SignInRequiredException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's resource-account sync for one integration, at most once per interval
 * ({@code BEACON_RESOURCE_ACCOUNTS_SYNC_INTERVAL}, default 1 h), and only for integrations with security lines:
 * list the accounts from Graph, store them, republish the lines whose record changed.
 *
 * <p>Failures wait for the next interval like successes (no retry loop). A 403 sets the status
 * {@code not-permitted} and logs one WARN naming the permission when the status becomes so, not on every attempt;
 * the accounts synced before stay in use.
 */
public final class ResourceAccountSync {

    private static final Logger log = LoggerFactory.getLogger(ResourceAccountSync.class);

    public static final Duration DEFAULT_INTERVAL = Duration.ofHours(1);
    static final String NOT_PERMITTED_DETAIL = "Graph answered 403: grant the app the delegated permission "
            + ResourceAccountsClient.PERMISSION + " (admin consent); the signed-in account needs a Teams "
            + "administrator role";

    private final ResourceAccountsClient graph;
    private final ResourceAccountStore store;
    private final SecurityLines lines;
    private final Clock clock;
    private final Duration interval;

    public ResourceAccountSync(ResourceAccountsClient graph, ResourceAccountStore store, SecurityLines lines,
                               Clock clock, Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("BEACON_RESOURCE_ACCOUNTS_SYNC_INTERVAL must be positive");
        }
        this.graph = graph;
        this.store = store;
        this.lines = lines;
        this.clock = clock;
        this.interval = interval;
    }

    /** Syncs when the integration has lines and its last attempt is at least one interval ago; true if it ran. */
    public boolean runIfDue(String integrationId) {
        if (!lines.hasLines(integrationId)) {
            return false;
        }
        Optional<SyncView> last = store.syncState(integrationId);
        Instant now = clock.instant();
        if (last.isPresent() && now.isBefore(last.get().lastAttemptAt().plus(interval))) {
            return false;
        }
        run(integrationId, last.map(SyncView::status).orElse(null), now);
        return true;
    }

    /** One sync now, whatever the schedule. */
    public void run(String integrationId) {
        run(integrationId, store.syncState(integrationId).map(SyncView::status).orElse(null), clock.instant());
    }

    private void run(String integrationId, String previousStatus, Instant now) {
        List<ResourceAccount> accounts;
        try {
            accounts = graph.list(integrationId);
        } catch (GraphException e) {
            if (e.forbidden()) {
                store.recordAttempt(integrationId, "not-permitted", NOT_PERMITTED_DETAIL, 0, now);
                if (!"not-permitted".equals(previousStatus)) {
                    log.warn("integration {}: resource accounts not synced: {}; security lines keep what ops "
                            + "named them until then", integrationId, NOT_PERMITTED_DETAIL);
                }
            } else {
                store.recordAttempt(integrationId, "failed", e.getMessage(), 0, now);
                log.warn("integration {}: resource accounts not synced ({}); next attempt in {}", integrationId,
                        e.getMessage(), interval);
            }
            return;
        } catch (SignInRequiredException e) {
            store.recordAttempt(integrationId, "sign-in-required", "nobody is signed in", 0, now);
            return;
        }
        store.replace(integrationId, accounts, now);
        store.recordAttempt(integrationId, "ok", null, accounts.size(), now);
        int republished = lines.republishChanged(integrationId);
        log.info("integration {}: {} resource account(s) synced, {} security line record(s) republished",
                integrationId, accounts.size(), republished);
    }
}
