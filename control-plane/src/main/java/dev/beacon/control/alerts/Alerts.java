package dev.beacon.control.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.control.store.Sql;
import dev.beacon.control.vault.SealedBox;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alerts capability as the control plane holds it: routes (admin API), the notifier (when
 * {@code BEACON_ALERTS} is on and Kafka is configured) and its meters. One per replica.
 */
public final class Alerts implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);

    private final AlertsSettings settings;
    private final String kafkaBootstrap;
    private final AlertRouteStore routes;
    private final AlertLedger ledger;
    private final AlertMetrics metrics;
    private final Map<AlertChannel, AlertSender> senders;
    private final Clock clock;
    private AlertNotifier notifier;

    private Alerts(AlertsSettings settings, String kafkaBootstrap, AlertRouteStore routes, AlertLedger ledger,
                   AlertMetrics metrics, Map<AlertChannel, AlertSender> senders, Clock clock) {
        this.settings = settings;
        this.kafkaBootstrap = kafkaBootstrap;
        this.routes = routes;
        this.ledger = ledger;
        this.metrics = metrics;
        this.senders = senders;
        this.clock = clock;
    }

    /** @throws IllegalArgumentException for a bad {@code BEACON_ALERTS*} / {@code BEACON_SMTP_*} setting */
    public static Alerts create(Map<String, String> env, String kafkaBootstrap, Sql sql, SealedBox vault,
                                MeterRegistry registry, Clock clock) {
        AlertsSettings settings = AlertsSettings.fromEnv(env, kafkaBootstrap != null);
        ObjectMapper json = new ObjectMapper();
        return new Alerts(settings, kafkaBootstrap, new AlertRouteStore(sql, vault, clock), new AlertLedger(sql, json),
                new AlertMetrics(registry), AlertNotifier.senders(settings, json, clock), clock);
    }

    public AlertsSettings settings() {
        return settings;
    }

    public AlertRouteStore routes() {
        return routes;
    }

    /** The admin API ({@link AlertRoutesApi}). */
    public void routes(io.javalin.config.RoutesConfig r) {
        new AlertRoutesApi(routes, senders).register(r);
    }

    /** Starts the notifier when alerts are on. */
    public synchronized Alerts start() {
        if (notifier == null && settings.enabled()) {
            notifier = new AlertNotifier(kafkaBootstrap, settings, routes, ledger, senders, metrics, clock).start();
            LOG.info("alerts on: {}", settings);
        }
        return this;
    }

    @Override
    public synchronized void close() {
        if (notifier != null) {
            notifier.close();
            notifier = null;
        }
    }
}
