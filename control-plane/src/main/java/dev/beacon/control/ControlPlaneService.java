package dev.beacon.control;

import dev.beacon.control.cli.ServiceLauncher;
import dev.beacon.control.console.ConsoleRoutes;
import dev.beacon.control.graph.RetryPolicy;
import dev.beacon.control.http.AdminAuth;
import dev.beacon.control.http.ControlPlaneHttp;
import dev.beacon.control.signin.MicrosoftEndpoints;
import dev.beacon.control.signin.SignInSettings;
import dev.beacon.control.store.Database;
import dev.beacon.control.vault.SealedBox;
import dev.beacon.control.vault.VaultKeys;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code beaconctl serve}: migrates the schema, opens the vault, starts the HTTP surface, then the leader loop and
 * the lifecycle consumer, and runs until the process is stopped (SIGTERM releases this replica's leases, so another
 * replica takes over at once instead of after the lease expires).
 */
public final class ControlPlaneService implements ServiceLauncher {

    private static final Logger log = LoggerFactory.getLogger(ControlPlaneService.class);

    /** A started control plane; closing it stops everything in reverse order. */
    public record Running(ControlPlane controlPlane, ControlPlaneHttp http, Database database) implements AutoCloseable {
        public int port() {
            return http.port();
        }

        @Override
        public void close() {
            http.close();
            controlPlane.close();
            database.close();
        }
    }

    @Override
    public void run(ControlPlaneSettings settings) throws Exception {
        Running running = start(settings, Clock.systemUTC(), SignInSettings.defaults());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping: releasing leases");
            running.close();
            stopped.countDown();
        }, "beacon-shutdown"));
        stopped.await();
    }

    /**
     * Starts a control plane from settings. {@code clock} is the control plane's clock (tests and the demo pass a
     * simulated one); Microsoft's endpoints are the real ones unless {@code BEACON_MICROSOFT_ROUTE} is set.
     */
    public static Running start(ControlPlaneSettings settings, Clock clock, SignInSettings signIn) {
        LogGuards.apply();
        settings = settings.validateForService();
        settings.logWarnings();
        log.info("starting the control plane\n{}", settings.describe());
        SealedBox vault = VaultKeys.fromEnvironment(settings.env());
        int applied = Database.migrate(settings.jdbcUrl(), settings.jdbcUser(), settings.jdbcPassword());
        if (applied > 0) {
            log.info("applied {} schema migration(s)", applied);
        }
        Database db = Database.open(settings.jdbcUrl(), settings.jdbcUser(), settings.jdbcPassword(), 8);
        MicrosoftEndpoints endpoints = settings.microsoftRoute() == null ? MicrosoftEndpoints.PRODUCTION
                : MicrosoftEndpoints.routedTo(settings.microsoftRoute());
        ControlPlane cp = new ControlPlane(settings, db.dataSource(), vault, clock, endpoints, signIn,
                RetryPolicy.defaults());
        AdminAuth auth = settings.adminAuthDisabled() ? AdminAuth.disabled() : AdminAuth.token(settings.adminToken());
        ControlPlaneHttp http = new ControlPlaneHttp(cp, cp.metrics(), auth)
                .withRoutes(cp.referenceData()::routes)
                .withRoutes(cp.alerts()::routes)
                .withRoutes(ConsoleRoutes.create(cp, db.dataSource(), auth, settings.publicUrl())::routes)
                .start(settings.httpHost(), settings.httpPort());
        cp.startBackground();
        log.info("control plane {} serving on http://{}:{} (vault key {})", settings.replicaId(),
                settings.httpHost(), http.port(), vault.primaryKeyId());
        return new Running(cp, http, db);
    }
}
