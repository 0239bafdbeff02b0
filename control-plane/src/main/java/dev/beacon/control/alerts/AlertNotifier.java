package dev.beacon.control.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.control.kafka.ConsumerThread;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier: a member of consumer group {@code BEACON_ALERTS_GROUP} on {@code emergency-call-facts}. Every
 * replica runs one; Kafka gives each partition (and so each call, keyed by fact id) to one member, so one replica
 * sends a given alert. Offsets are committed only after the deliveries are recorded ({@link AlertProcessor}).
 */
public final class AlertNotifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlertNotifier.class);
    private static final ConsumerThread.Names NAMES = new ConsumerThread.Names("alerts", "fact");

    private final String bootstrapServers;
    private final AlertsSettings settings;
    private final AlertRouteStore routes;
    private final AlertLedger ledger;
    private final Map<AlertChannel, AlertSender> senders;
    private final AlertMetrics metrics;
    private final Clock clock;
    private final AlertConsumerProgress progress = new AlertConsumerProgress();
    private ConsumerThread thread;

    public AlertNotifier(String bootstrapServers, AlertsSettings settings, AlertRouteStore routes,
                         AlertLedger ledger, AlertMetrics metrics, ObjectMapper json, Clock clock) {
        this(bootstrapServers, settings, routes, ledger, senders(settings, json, clock), metrics, clock);
    }

    AlertNotifier(String bootstrapServers, AlertsSettings settings, AlertRouteStore routes, AlertLedger ledger,
                  Map<AlertChannel, AlertSender> senders, AlertMetrics metrics, Clock clock) {
        this.bootstrapServers = bootstrapServers;
        this.settings = settings;
        this.routes = routes;
        this.ledger = ledger;
        this.senders = senders;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The channels' senders; e-mail only when SMTP is configured. */
    public static Map<AlertChannel, AlertSender> senders(AlertsSettings settings, ObjectMapper json, Clock clock) {
        Map<AlertChannel, AlertSender> senders = new EnumMap<>(AlertChannel.class);
        senders.put(AlertChannel.WEBHOOK, new WebhookSender(json, Clock.systemUTC()));
        senders.put(AlertChannel.TEAMS, new TeamsSender(json));
        settings.smtp().ifPresent(smtp -> senders.put(AlertChannel.EMAIL, new EmailSender(smtp, clock)));
        return senders;
    }

    public AlertConsumerProgress progress() {
        return progress;
    }

    public synchronized AlertNotifier start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        ConsumerThread.Setup setup = new ConsumerThread.Setup(bootstrapServers, settings.topic(), settings.group(),
                settings.deadLetterTopic(), settings.backoff(), Duration.ofMinutes(5));
        thread = ConsumerThread.start(NAMES, setup,
                ConsumerThread.consumerConfig(bootstrapServers, settings.group(), "beacon-alerts-" + settings.group(),
                        10),
                deadLetters -> new AlertProcessor(routes, ledger, senders, metrics, settings.maxAttempts(),
                        deadLetters, clock),
                progress, progress::running, c -> { }, LOG);
        return this;
    }

    @Override
    public void close() {
        ConsumerThread t;
        synchronized (this) {
            t = thread;
            thread = null;
        }
        if (t != null) {
            t.close();
        }
    }
}
