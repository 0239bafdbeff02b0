package dev.beacon.job.ingest;

import dev.beacon.job.config.BeaconOptions;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;

/**
 * Kafka client settings shared by the source and the sinks: plain Kafka, or Azure Event Hubs' Kafka endpoint.
 *
 * <p>For Event Hubs the connection string is referenced as {@code ${env:NAME}} through Kafka's own
 * {@code EnvVarConfigProvider}: the Kafka client on each task manager reads it from its environment, so the secret
 * is never part of the job graph. Timeouts follow Microsoft's recommendations for Java clients (Azure closes idle
 * connections after 240 s).
 */
public final class KafkaClientProperties {

    private KafkaClientProperties() {}

    public static Properties forIngest(Configuration conf) {
        return build(conf, conf.get(BeaconOptions.KAFKA_BOOTSTRAP), conf.get(BeaconOptions.KAFKA_SECURITY));
    }

    /** Beacon's own topics: a separate Kafka when {@code sink.kafka.bootstrap-servers} is set, else the same one. */
    public static Properties forSinks(Configuration conf) {
        String own = conf.get(BeaconOptions.SINK_KAFKA_BOOTSTRAP);
        if (own == null) {
            return forIngest(conf);
        }
        return build(conf, own, "plaintext");
    }

    static Properties build(Configuration conf, String bootstrap, String security) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        switch (security.toLowerCase(Locale.ROOT)) {
            case "plaintext" -> { }
            case "eventhubs" -> eventHubs(p, conf.get(BeaconOptions.EVENTHUBS_CONNECTION_STRING_ENV));
            default -> throw new IllegalArgumentException(
                    "kafka.security must be plaintext or eventhubs, not '" + security + "'");
        }
        // Explicit pass-through last, so an operator can override anything above.
        for (Map.Entry<String, String> e : conf.toMap().entrySet()) {
            if (e.getKey().startsWith(BeaconOptions.KAFKA_PROPERTY_PREFIX)) {
                p.setProperty(e.getKey().substring(BeaconOptions.KAFKA_PROPERTY_PREFIX.length()), e.getValue());
            }
        }
        return p;
    }

    static void eventHubs(Properties p, String connectionStringEnv) {
        p.setProperty("security.protocol", "SASL_SSL");
        p.setProperty("sasl.mechanism", "PLAIN");
        p.setProperty("config.providers", "env");
        p.setProperty("config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
        p.setProperty("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"$ConnectionString\" password=\"${env:" + connectionStringEnv + "}\";");
        // Microsoft's recommended client settings for the Event Hubs Kafka endpoint.
        p.setProperty("metadata.max.age.ms", "180000");
        p.setProperty("connections.max.idle.ms", "180000");
        p.setProperty("session.timeout.ms", "30000");
        p.setProperty("request.timeout.ms", "60000");
        p.setProperty("max.request.size", "1000000");
    }
}
