package dev.beacon.control.metrics;

import dev.beacon.control.hydration.HydrationCounters;
import dev.beacon.control.hydration.HydrationPoison;
import dev.beacon.control.backfill.BackfillCounters;
import dev.beacon.control.integration.IntegrationStatus;
import dev.beacon.control.lifecycle.LifecycleCounters;
import dev.beacon.control.lifecycle.LifecycleEvent;
import dev.beacon.control.lifecycle.PoisonReason;
import dev.beacon.control.ops.BackfillView;
import dev.beacon.control.ops.GapView;
import dev.beacon.control.ops.IntegrationView;
import dev.beacon.control.ops.StatusReport;
import dev.beacon.control.ops.SubscriptionView;
import dev.beacon.control.ops.TokenView;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's Prometheus metrics, computed from a {@link StatusReport} (one status query per
 * {@code cacheFor}, however often Prometheus scrapes) plus the lifecycle consumer's counters.
 *
 * <p>Series (tag names fixed; tags carry ids and names, never secrets):
 * <ul>
 *   <li>{@code beacon_token_expiry_seconds{integration,account}}: seconds until the access token expires
 *       (negative once expired); {@code account} is the username, else the home account id</li>
 *   <li>{@code beacon_token_needs_interaction{integration,account}}: 1 when a human must sign in again</li>
 *   <li>{@code beacon_subscription_expiry_seconds{integration,subscription,resource}}</li>
 *   <li>{@code beacon_subscription_renewals_total} and {@code beacon_subscription_failures_total} (same tags):
 *       counters (Micrometer {@code FunctionCounter}) reading the view's renewal/failure counts, which only grow
 *       for a given subscription id; a recreated subscription gets a new id, hence a new series</li>
 *   <li>{@code beacon_subscription_last_notification_seconds} (same tags): seconds since the last notification;
 *       absent until one was seen</li>
 *   <li>{@code beacon_integration_status{integration,status}}: one series per possible status, 1 for the
 *       current one and 0 for the others, so alerts can match on {@code status="needs-sign-in"}</li>
 *   <li>{@code beacon_open_gaps{integration}}: open delivery gaps (0 when none)</li>
 *   <li>{@code beacon_leader{integration}}: 1 when this replica holds the integration's lease</li>
 *   <li>the lifecycle consumer (absent when it does not run): {@code beacon_lifecycle_events_total{event}}
 *       (handled), {@code beacon_lifecycle_dead_letters_total{reason}} (poison records dead-lettered),
 *       {@code beacon_lifecycle_retries_total} (failed attempts, retried), {@code beacon_lifecycle_waiting_events}
 *       and {@code beacon_lifecycle_oldest_waiting_seconds} (events held back while a dependency is down),
 *       {@code beacon_lifecycle_consumer_running}</li>
 *   <li>the hydration consumer (absent when it does not run): {@code beacon_hydration_fetched_total},
 *       {@code beacon_hydration_published_total}, {@code beacon_hydration_deleted_total} (404),
 *       {@code beacon_hydration_forbidden_total} (403), {@code beacon_hydration_throttled_total} (429/503 beyond the
 *       inline wait), {@code beacon_hydration_retries_total}, {@code beacon_hydration_dead_letters_total{reason}},
 *       {@code beacon_hydration_lag} (records not yet read), {@code beacon_hydration_waiting_requests},
 *       {@code beacon_hydration_oldest_waiting_seconds}, {@code beacon_hydration_consumer_running},
 *       {@code beacon_hydration_in_flight}</li>
 *   <li>the backfill (absent when it does not run), per integration: {@code beacon_backfill_runs_total},
 *       {@code beacon_backfill_failures_total}, {@code beacon_backfill_messages_published_total},
 *       {@code beacon_backfill_messages_skipped_total} (this replica's runs), {@code beacon_backfill_last_success_seconds}
 *       (epoch seconds of this replica's last successful run, 0 before one), {@code beacon_backfill_runs_cut_short_total}
 *       (runs stopped by {@code BEACON_BACKFILL_MAX_RUN}), {@code beacon_backfill_running} (1 while a run is in
 *       progress here) and {@code beacon_backfill_gaps_awaiting} (from the database: delivery gaps not yet
 *       backfilled)</li>
 *   <li>per integration, {@code beacon_backfill_uncovered}: 1 while its tenant-wide {@code /chats/getAllMessages}
 *       subscription has no backfill users (status flag {@code backfill-uncovered})</li>
 * </ul>
 * Subscriptions in state {@code deleted} are left out. Series of integrations and subscriptions that disappear
 * from the report are removed at the next refresh.
 */
public final class ControlPlaneMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneMetrics.class);

    /** Content type of {@link #scrape()}: the Prometheus text format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Supplier<StatusReport> status;
    private final Clock clock;
    private final Duration cacheFor;

    /** The report-driven meters, with the value each one reads (swapped at every refresh). */
    private final Map<Meter.Id, AtomicReference<DoubleSupplier>> reportMeters = new HashMap<>();
    private Instant refreshedAt;
    private volatile BackfillCounters backfill;

    public ControlPlaneMetrics(Supplier<StatusReport> status, Clock clock, Duration cacheFor) {
        this.status = Objects.requireNonNull(status);
        this.clock = Objects.requireNonNull(clock);
        this.cacheFor = Objects.requireNonNull(cacheFor);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Registers the lifecycle consumer's counters and state. */
    public ControlPlaneMetrics bindLifecycle(LifecycleCounters counters) {
        for (String event : LifecycleEvent.KNOWN_EVENTS) {
            FunctionCounter.builder("beacon_lifecycle_events", counters, c -> c.handledCount(event))
                    .description("Lifecycle events handled, by event")
                    .tag("event", event)
                    .register(registry);
        }
        for (PoisonReason reason : PoisonReason.values()) {
            FunctionCounter.builder("beacon_lifecycle_dead_letters", counters, c -> c.deadLetters(reason))
                    .description("Poison graph-lifecycle records written to the dead-letter topic, by reason")
                    .tag("reason", reason.label())
                    .register(registry);
        }
        FunctionCounter.builder("beacon_lifecycle_retries", counters, LifecycleCounters::retries)
                .description("Failed attempts at a lifecycle event that will be retried (a dependency was down)")
                .register(registry);
        Gauge.builder("beacon_lifecycle_waiting_events", counters, c -> c.waiting().size())
                .description("Lifecycle events waiting for a retry now; each holds back its partition")
                .register(registry);
        Gauge.builder("beacon_lifecycle_oldest_waiting_seconds", counters, c -> c.oldestWaiting().toMillis() / 1000.0)
                .description("How long the oldest waiting lifecycle event has been failing (0 when none)")
                .register(registry);
        Gauge.builder("beacon_lifecycle_consumer_running", counters, c -> c.running() ? 1 : 0)
                .description("1 while the lifecycle consumer runs")
                .register(registry);
        return this;
    }

    /** Registers the hydration consumer's counters and state. */
    public ControlPlaneMetrics bindHydration(HydrationCounters counters) {
        FunctionCounter.builder("beacon_hydration_fetched", counters, HydrationCounters::fetchedCount)
                .description("Chat messages Graph returned for hydration requests").register(registry);
        FunctionCounter.builder("beacon_hydration_published", counters, HydrationCounters::publishedCount)
                .description("Fetched messages the broker acknowledged on the job's input topic").register(registry);
        FunctionCounter.builder("beacon_hydration_deleted", counters, HydrationCounters::deletedCount)
                .description("Hydration requests whose message Graph no longer had (404)").register(registry);
        FunctionCounter.builder("beacon_hydration_forbidden", counters, HydrationCounters::forbiddenCount)
                .description("Hydration requests Graph refused (403)").register(registry);
        FunctionCounter.builder("beacon_hydration_throttled", counters, HydrationCounters::throttledCount)
                .description("Hydration attempts Graph throttled beyond the inline Retry-After wait")
                .register(registry);
        FunctionCounter.builder("beacon_hydration_retries", counters, HydrationCounters::retries)
                .description("Failed hydration attempts that will be retried (a dependency was down)")
                .register(registry);
        for (HydrationPoison reason : HydrationPoison.values()) {
            FunctionCounter.builder("beacon_hydration_dead_letters", counters, c -> c.deadLetters(reason))
                    .description("Hydration requests written to the dead-letter topic, by reason")
                    .tag("reason", reason.label())
                    .register(registry);
        }
        Gauge.builder("beacon_hydration_lag", counters, HydrationCounters::lag)
                .description("Hydration requests not yet read from the assigned partitions").register(registry);
        Gauge.builder("beacon_hydration_waiting_requests", counters, c -> c.waiting().size())
                .description("Hydration requests waiting for a retry now; each holds back its partition")
                .register(registry);
        Gauge.builder("beacon_hydration_oldest_waiting_seconds", counters,
                        c -> c.oldestWaiting().toMillis() / 1000.0)
                .description("How long the oldest waiting hydration request has been failing (0 when none)")
                .register(registry);
        Gauge.builder("beacon_hydration_consumer_running", counters, c -> c.running() ? 1 : 0)
                .description("1 while the hydration consumer runs").register(registry);
        Gauge.builder("beacon_hydration_in_flight", counters, HydrationCounters::inFlight)
                .description("Hydration requests being hydrated now (at most BEACON_HYDRATION_CONCURRENCY)")
                .register(registry);
        return this;
    }

    /** Adds the backfill's per-integration series (registered at each refresh for the report's integrations). */
    public ControlPlaneMetrics bindBackfill(BackfillCounters counters) {
        this.backfill = counters;
        return this;
    }

    /** The Prometheus text exposition, refreshing the report-driven meters first if the cache is stale. */
    public synchronized String scrape() {
        Instant now = clock.instant();
        if (refreshedAt == null || !now.isBefore(refreshedAt.plus(cacheFor))) {
            try {
                apply(status.get());
                refreshedAt = now;
            } catch (RuntimeException e) {
                // Keep serving the last values (and the lifecycle counters); a status outage must not break scrapes.
                LOG.warn("status report for metrics failed ({}); serving the previous values",
                        e.getClass().getSimpleName());
            }
        }
        return registry.scrape();
    }

    /** Updates the report-driven meters to match {@code report}: values set, new series added, stale ones removed. */
    public synchronized void apply(StatusReport report) {
        Set<Meter.Id> seen = new HashSet<>();
        String me = report.replicaId();
        for (IntegrationView i : report.integrations()) {
            Tags t = Tags.of("integration", i.id());
            for (IntegrationStatus s : IntegrationStatus.values()) {
                double v = s.dbValue().equals(i.status()) ? 1 : 0;
                gauge(seen, "beacon_integration_status", "1 for the integration's current status",
                        t.and("status", s.dbValue()), () -> v);
            }
            long open = report.openGaps().stream().filter(g -> g.integrationId().equals(i.id()))
                    .map(GapView::gapId).count();
            gauge(seen, "beacon_open_gaps", "Open delivery gaps (notifications may be lost)", t, () -> open);
            double leader = me != null && me.equals(i.leader()) ? 1 : 0;
            gauge(seen, "beacon_leader", "1 when this replica reconciles the integration", t, () -> leader);
            double uncovered = i.flags().contains("backfill-uncovered") ? 1 : 0;
            gauge(seen, "beacon_backfill_uncovered", "1 when a tenant-wide subscription has no backfill users "
                    + "(notifications Graph loses are not recovered)", t, () -> uncovered);
            BackfillCounters b = backfill;
            if (b != null) {
                backfillMeters(seen, t, b.of(i.id()), report.backfills().stream()
                        .filter(v -> v.integrationId().equals(i.id())).mapToInt(BackfillView::gapsAwaiting).sum());
            }
        }
        for (TokenView tv : report.tokens()) {
            Tags t = Tags.of("integration", tv.integrationId(), "account",
                    tv.username() != null ? tv.username() : tv.homeAccountId());
            if (tv.accessExpiresAt() != null) {
                Instant at = tv.accessExpiresAt();
                gauge(seen, "beacon_token_expiry_seconds", "Seconds until the access token expires", t,
                        () -> secondsBetween(clock.instant(), at));
            }
            double needs = tv.needsInteraction() ? 1 : 0;
            gauge(seen, "beacon_token_needs_interaction", "1 when a person must sign in again", t, () -> needs);
        }
        for (SubscriptionView s : report.subscriptions()) {
            if ("deleted".equals(s.state())) {
                continue;
            }
            Tags t = Tags.of("integration", s.integrationId(), "subscription", s.subscriptionId(),
                    "resource", s.resource());
            if (s.expiresAt() != null) {
                Instant at = s.expiresAt();
                gauge(seen, "beacon_subscription_expiry_seconds", "Seconds until the Graph subscription expires", t,
                        () -> secondsBetween(clock.instant(), at));
            }
            double renewals = s.renewalCount();
            double failures = s.failureCount();
            counter(seen, "beacon_subscription_renewals", "Successful renewals of the subscription", t,
                    () -> renewals);
            counter(seen, "beacon_subscription_failures", "Failed Graph calls for the subscription", t,
                    () -> failures);
            if (s.lastNotificationAt() != null) {
                Instant at = s.lastNotificationAt();
                gauge(seen, "beacon_subscription_last_notification_seconds",
                        "Seconds since the last notification for the subscription", t,
                        () -> secondsBetween(at, clock.instant()));
            }
        }
        // Whatever the report no longer mentions goes (removed integrations, deleted or replaced subscriptions).
        reportMeters.keySet().removeIf(id -> {
            if (seen.contains(id)) {
                return false;
            }
            registry.remove(id);
            return true;
        });
    }

    private void backfillMeters(Set<Meter.Id> seen, Tags t, BackfillCounters.Counts c, int gapsAwaiting) {
        counter(seen, "beacon_backfill_runs", "Backfill runs by this replica", t, c::runs);
        counter(seen, "beacon_backfill_failures", "Failed backfill runs (cursor kept, retried)", t, c::failures);
        counter(seen, "beacon_backfill_messages_published", "Messages published as FetchedMessages by backfill", t,
                c::published);
        counter(seen, "beacon_backfill_messages_skipped", "Listed items that are not messages (system events)", t,
                c::skipped);
        gauge(seen, "beacon_backfill_last_success_seconds", "Epoch seconds of the last successful backfill run", t,
                c::lastSuccessEpochSeconds);
        counter(seen, "beacon_backfill_runs_cut_short", "Backfill runs stopped by their time budget (continued next "
                + "round)", t, c::cutShort);
        gauge(seen, "beacon_backfill_running", "1 while a backfill run of the integration is in progress here", t,
                c::running);
        gauge(seen, "beacon_backfill_gaps_awaiting", "Delivery gaps not yet backfilled", t, () -> gapsAwaiting);
    }

    private void gauge(Set<Meter.Id> seen, String name, String help, Tags tags, DoubleSupplier value) {
        Meter.Id id = new Meter.Id(name, tags, null, help, Meter.Type.GAUGE);
        register(seen, id, value, ref -> Gauge.builder(name, ref, r -> r.get().getAsDouble())
                .description(help).tags(tags).strongReference(true).register(registry).getId());
    }

    private void counter(Set<Meter.Id> seen, String name, String help, Tags tags, DoubleSupplier value) {
        Meter.Id id = new Meter.Id(name, tags, null, help, Meter.Type.COUNTER);
        register(seen, id, value, ref -> FunctionCounter.builder(name, ref, r -> r.get().getAsDouble())
                .description(help).tags(tags).register(registry).getId());
    }

    private void register(Set<Meter.Id> seen, Meter.Id id, DoubleSupplier value,
                          java.util.function.Function<AtomicReference<DoubleSupplier>, Meter.Id> create) {
        seen.add(id);
        AtomicReference<DoubleSupplier> ref = reportMeters.get(id);
        if (ref != null) {
            ref.set(value);
            return;
        }
        ref = new AtomicReference<>(value);
        Meter.Id registered = create.apply(ref);
        reportMeters.put(registered, ref);
        seen.add(registered);
    }

    private static double secondsBetween(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }
}
