package dev.beacon.control.alerts;

import dev.beacon.contracts.secrets.SecretSource;
import dev.beacon.control.ControlPlaneSettings;
import dev.beacon.control.kafka.RetryBackoff;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The notifier's settings, from the environment (docs/alerts.md):
 * <ul>
 *   <li>{@code BEACON_ALERTS}: {@code on} (default when Kafka is configured) or {@code off};</li>
 *   <li>{@code BEACON_ALERTS_TOPIC} (default {@value #DEFAULT_TOPIC}), {@code BEACON_ALERTS_GROUP}
 *       (default {@value #DEFAULT_GROUP}), {@code BEACON_ALERTS_DEAD_LETTER_TOPIC}
 *       (default {@value #DEFAULT_DEAD_LETTER_TOPIC}, for records that are not facts);</li>
 *   <li>{@code BEACON_ALERTS_RETRY_INITIAL} (1s), {@code BEACON_ALERTS_RETRY_MAX} (1m),
 *       {@code BEACON_ALERTS_MAX_ATTEMPTS} (8): exponential backoff between attempts, then the delivery is dead;</li>
 *   <li>{@code BEACON_SMTP_*} ({@link SmtpSettings}), needed only for e-mail routes.</li>
 * </ul>
 */
public record AlertsSettings(boolean enabled, String topic, String group, String deadLetterTopic,
                             RetryBackoff backoff, int maxAttempts, Optional<SmtpSettings> smtp) {

    public static final String DEFAULT_TOPIC = "emergency-call-facts";
    public static final String DEFAULT_GROUP = "beacon-alerts";
    public static final String DEFAULT_DEAD_LETTER_TOPIC = "beacon-alerts-dead-letters";

    public AlertsSettings {
        if (maxAttempts < 1 || maxAttempts > 100) {
            throw new IllegalArgumentException("BEACON_ALERTS_MAX_ATTEMPTS must be 1-100");
        }
    }

    /** @throws IllegalArgumentException naming the setting, never a secret's value */
    public static AlertsSettings fromEnv(Map<String, String> env, boolean kafkaConfigured) {
        boolean on = kafkaConfigured && !"off".equalsIgnoreCase(plain(env, "BEACON_ALERTS").orElse("on"));
        Duration initial = duration(env, "BEACON_ALERTS_RETRY_INITIAL", Duration.ofSeconds(1));
        Duration max = duration(env, "BEACON_ALERTS_RETRY_MAX", Duration.ofMinutes(1));
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("BEACON_ALERTS_RETRY_MAX must not be below BEACON_ALERTS_RETRY_INITIAL");
        }
        int attempts = integer(env, "BEACON_ALERTS_MAX_ATTEMPTS", 8);
        Optional<SmtpSettings> smtp = plain(env, "BEACON_SMTP_HOST").map(host -> new SmtpSettings(host,
                integer(env, "BEACON_SMTP_PORT", 587), plain(env, "BEACON_SMTP_USER").orElse(null),
                SecretSource.resolve(env, "BEACON_SMTP_PASSWORD").orElse(null),
                plain(env, "BEACON_SMTP_FROM").orElse(null),
                SmtpSettings.StartTls.of(plain(env, "BEACON_SMTP_STARTTLS").orElse("required"))));
        return new AlertsSettings(on, plain(env, "BEACON_ALERTS_TOPIC").orElse(DEFAULT_TOPIC),
                plain(env, "BEACON_ALERTS_GROUP").orElse(DEFAULT_GROUP),
                plain(env, "BEACON_ALERTS_DEAD_LETTER_TOPIC").orElse(DEFAULT_DEAD_LETTER_TOPIC),
                new RetryBackoff(initial, max, new SecureRandom()), attempts, smtp);
    }

    @Override
    public String toString() {
        return enabled ? topic + " (group " + group + ", dead letters " + deadLetterTopic + ", " + maxAttempts
                + " attempts, backoff " + backoff.initial() + ".." + backoff.max() + ", SMTP "
                + smtp.map(SmtpSettings::toString).orElse("not configured") + ")" : "(off)";
    }

    private static Optional<String> plain(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }

    private static Duration duration(Map<String, String> env, String name, Duration fallback) {
        Optional<String> v = plain(env, name);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            Duration d = ControlPlaneSettings.parseDuration(v.get());
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("must be positive");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " must be a positive duration such as 1s, 500ms or 2m");
        }
    }

    private static int integer(Map<String, String> env, String name, int fallback) {
        Optional<String> v = plain(env, name);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.get());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer");
        }
    }
}
