package dev.beacon.control.ha;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import dev.beacon.control.logging.LogLimiter;
import dev.beacon.control.vault.VaultKeyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every interval, for each integration: renew (or take) its lease, and if this replica holds it, run the work.
 *
 * <p>The lease is renewed right before each integration's work, so slow work on one integration cannot make this
 * replica act on another integration whose lease lapsed meanwhile. A replica that dies stops renewing; another
 * takes over within {@code lease duration + interval} (45 s with the defaults).
 *
 * <p>Limitation: work that runs longer than the lease duration may overlap with a new leader's work. The work
 * (reconciliation) is idempotent, and the lease duration should stay well above a reconcile's duration.
 */
public final class LeaderLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderLoop.class);

    private final IntegrationLeases leases;
    private final Duration interval;
    private final Supplier<List<String>> integrations;
    private final Consumer<String> work;
    private final Set<String> led = ConcurrentHashMap.newKeySet();
    private final Object tickLock = new Object();
    private final LogLimiter failures = LogLimiter.defaults();
    private ScheduledExecutorService scheduler;

    /**
     * @param interval at most half the lease duration, so a lease is renewed at least twice per lifetime
     */
    public LeaderLoop(IntegrationLeases leases, Duration interval, Supplier<List<String>> integrations,
                      Consumer<String> work) {
        this.leases = Objects.requireNonNull(leases);
        this.integrations = Objects.requireNonNull(integrations);
        this.work = Objects.requireNonNull(work);
        if (interval.isZero() || interval.isNegative() || interval.multipliedBy(2).compareTo(leases.duration()) > 0) {
            throw new IllegalArgumentException("the interval (" + interval + ") must be positive and at most half "
                    + "the lease duration (" + leases.duration() + ")");
        }
        this.interval = interval;
    }

    /** Starts ticking on a daemon thread, first tick at once. */
    public synchronized LeaderLoop start() {
        if (scheduler != null) {
            throw new IllegalStateException("already started");
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "leader-loop-" + leases.replicaId());
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::tickSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** One round over every integration; public so tests (and an admin "reconcile now") can drive it. */
    public void tick() {
        synchronized (tickLock) {
            List<String> ids = integrations.get();
            led.retainAll(new LinkedHashSet<>(ids));
            for (String id : ids) {
                if (!acquire(id)) {
                    if (led.remove(id)) {
                        LOG.warn("lost the lease on integration {} to {}", id,
                                leases.holder(id).orElse("(nobody)"));
                    }
                    continue;
                }
                if (led.add(id)) {
                    LOG.info("replica {} now leads integration {}", leases.replicaId(), id);
                }
                try {
                    work.accept(id);
                } catch (VaultKeyException e) {
                    // A configuration problem, not a bug: one clear line (no stack trace), and not every tick.
                    failures.error(LOG, "vault:" + id + ":" + e.getMessage(), "integration {}: cannot open its "
                            + "sealed secrets: {}. Check BEACON_VAULT_KEY and BEACON_VAULT_PREVIOUS_KEYS.", id,
                            e.getMessage());
                } catch (RuntimeException e) {
                    // One failing integration never stops the others; the message is the work's, which must be
                    // secret-free by the house rules, but the class name is enough to start looking. The stack
                    // trace once per window: the same failure every tick would drown the log.
                    failures.error(LOG, "work:" + id + ":" + e.getClass().getName() + ":" + e.getMessage(),
                            "work on integration {} failed: {}", id, e.getClass().getName(), e);
                }
            }
        }
    }

    /** The integrations this replica held a lease on at its latest tick. */
    public Set<String> ledIntegrations() {
        return Set.copyOf(led);
    }

    /** Stops ticking and releases every lease, so another replica takes over at once. */
    public void stop() {
        ScheduledExecutorService s;
        synchronized (this) {
            s = scheduler;
            scheduler = null;
        }
        if (s != null) {
            s.shutdown();
            try {
                if (!s.awaitTermination(30, TimeUnit.SECONDS)) {
                    s.shutdownNow();
                }
            } catch (InterruptedException e) {
                s.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        synchronized (tickLock) {
            led.clear();
            try {
                int n = leases.releaseAll();
                LOG.info("replica {} released {} lease(s)", leases.replicaId(), n);
            } catch (RuntimeException e) {
                LOG.warn("could not release leases ({}); they expire after {}", e.getClass().getSimpleName(),
                        leases.duration());
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    private boolean acquire(String id) {
        try {
            return leases.tryAcquire(id);
        } catch (RuntimeException e) {
            // Database trouble or the integration vanished meanwhile: act as if not held.
            LOG.warn("could not renew the lease on integration {}: {}", id, e.getMessage());
            return false;
        }
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            // Listing integrations failed (database down?): try again next interval; never kill the schedule.
            failures.error(LOG, "tick:" + e.getClass().getName() + ":" + e.getMessage(),
                    "leader loop tick failed: {}", e.getMessage());
            led.clear();
        }
    }
}
