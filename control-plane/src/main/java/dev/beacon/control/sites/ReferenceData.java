package dev.beacon.control.sites;

import dev.beacon.control.ControlPlaneSettings;
import dev.beacon.control.graph.RetryPolicy;
import dev.beacon.control.integration.IntegrationStore;
import dev.beacon.control.lines.LineRoutes;
import dev.beacon.control.lines.ResourceAccountStore;
import dev.beacon.control.lines.ResourceAccountSync;
import dev.beacon.control.lines.ResourceAccountsClient;
import dev.beacon.control.lines.SecurityLines;
import dev.beacon.control.signin.MicrosoftEndpoints;
import dev.beacon.control.signin.TokenSource;
import io.javalin.config.RoutesConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference data ops maintain in the control plane, wired once: {@link Sites}, {@link SecurityLines} and the
 * leader's {@link ResourceAccountSync}, publishing through one {@link ReferencePublisher}. The control plane calls
 * {@link #syncIfDue} in each leader round, {@link #republishAll} when it starts, and serves {@link #routes}.
 */
public final class ReferenceData implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReferenceData.class);
    public static final String SYNC_INTERVAL_SETTING = "BEACON_RESOURCE_ACCOUNTS_SYNC_INTERVAL";

    private final ReferencePublisher publisher;
    private final Sites sites;
    private final SecurityLines lines;
    private final ResourceAccountSync sync;
    private final java.util.Set<String> republishPending = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public ReferenceData(ReferencePublisher publisher, Sites sites, SecurityLines lines, ResourceAccountSync sync) {
        this.publisher = publisher;
        this.sites = sites;
        this.lines = lines;
        this.sync = sync;
    }

    /** Everything from the control plane's settings ({@code BEACON_KAFKA_BOOTSTRAP}, the sync interval). */
    public static ReferenceData create(String kafkaBootstrap, Map<String, String> env, DataSource dataSource,
                                       IntegrationStore integrations, MicrosoftEndpoints endpoints,
                                       TokenSource tokens, RetryPolicy retry, Clock clock) {
        ReferencePublisher publisher = ReferencePublisher.create(kafkaBootstrap, ReferencePublisher.DEFAULT_TIMEOUT);
        ResourceAccountStore accounts = new ResourceAccountStore(dataSource);
        SecurityLines lines = new SecurityLines(dataSource, integrations, accounts, publisher, clock);
        return new ReferenceData(publisher, new Sites(dataSource, publisher, clock), lines,
                new ResourceAccountSync(new ResourceAccountsClient(endpoints, tokens, retry), accounts, lines, clock,
                        syncInterval(env)));
    }

    /** {@value #SYNC_INTERVAL_SETTING}: e.g. {@code 1h} (the default), {@code 30m}. */
    public static Duration syncInterval(Map<String, String> env) {
        String v = env.get(SYNC_INTERVAL_SETTING);
        if (v == null || v.isBlank()) {
            return ResourceAccountSync.DEFAULT_INTERVAL;
        }
        try {
            Duration d = ControlPlaneSettings.parseDuration(v);
            if (!d.isNegative() && !d.isZero()) {
                return d;
            }
        } catch (RuntimeException e) {
            // below
        }
        throw new IllegalArgumentException(SYNC_INTERVAL_SETTING + " must be a positive duration like 1h or 30m");
    }

    public Sites sites() {
        return sites;
    }

    public SecurityLines lines() {
        return lines;
    }

    public ResourceAccountSync resourceAccountSync() {
        return sync;
    }

    /**
     * The leader's part, once per round per integration it leads: the resource-account sync when due. A line record
     * Kafka did not take is retried in the next round (not only at the next sync); a failure here never stops the
     * rest of the round (reconcile, backfill).
     */
    public void syncIfDue(String integrationId) {
        try {
            if (!sync.runIfDue(integrationId) && republishPending.contains(integrationId)) {
                lines.republishChanged(integrationId);
            }
            republishPending.remove(integrationId);
        } catch (RuntimeException e) {
            republishPending.add(integrationId);
            log.warn("integration {}: security line records not republished ({}); next try in the next round",
                    integrationId, e.getMessage());
        }
    }

    /**
     * Before an integration is removed: its lines go too, each with a tombstone, so the job stops treating calls to
     * them as security calls. Best effort: when Kafka refuses, the remaining lines stay (WARN) for
     * {@code beaconctl lines remove}.
     */
    public void removeLinesOf(String integrationId) {
        try {
            int n = lines.removeAll(integrationId);
            if (n > 0) {
                log.info("integration {}: {} security line(s) removed with it", integrationId, n);
            }
        } catch (RuntimeException e) {
            log.warn("integration {}: security lines not all removed ({}); remove them with beaconctl lines remove",
                    integrationId, e.getMessage());
        }
    }

    /** Publishes every site and line again (idempotent on compacted topics); failures are logged, not thrown. */
    public void republishAll() {
        try {
            int s = sites.republishAll();
            int l = lines.republishAll();
            log.info("reference data republished: {} site(s), {} security line(s)", s, l);
        } catch (RuntimeException e) {
            log.warn("reference data not republished at start ({}); changes made later are published as usual",
                    e.getMessage());
        }
    }

    /** The admin API routes of sites and lines. */
    public void routes(RoutesConfig r) {
        new SiteRoutes(sites).register(r);
        new LineRoutes(lines).register(r);
    }

    @Override
    public void close() {
        publisher.close();
    }
}
