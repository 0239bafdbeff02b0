package dev.beacon.local.compose;

import dev.beacon.contracts.secrets.SecretSource;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * What {@link ComposeDemoMicrosoft} needs, from its environment (docker-compose.yml's {@code microsoft} service).
 * Secrets follow the NAME / NAME_FILE rule; errors name the setting, never a value.
 *
 * @param kafkaBootstrap {@code BEACON_DEMO_KAFKA_BOOTSTRAP} (required): where Event Hubs deliveries are written
 * @param topic          {@code BEACON_DEMO_TOPIC}, default {@value #DEFAULT_TOPIC}: the job's input topic
 * @param emulatorHost   {@code BEACON_DEMO_EMULATOR_HOST}, default {@value #DEFAULT_HOST}
 * @param emulatorPort   {@code BEACON_DEMO_EMULATOR_PORT}, default {@value #DEFAULT_PORT}; 0 picks a free port
 * @param controlPlane   {@code BEACON_DEMO_CONTROL_PLANE}, default {@value #DEFAULT_CONTROL_PLANE}: the admin API
 * @param adminToken     {@code BEACON_ADMIN_TOKEN} / {@code _FILE} (required): the control plane's admin token
 * @param clientSecret   {@code BEACON_DEMO_CLIENT_SECRET} / {@code _FILE} (required): the emulated app
 *                       registration's secret, stable across restarts so a stored integration keeps signing in
 * @param interval       {@code BEACON_DEMO_INTERVAL} (seconds), default 20: one emergency call per interval
 */
public record ComposeDemoSettings(String kafkaBootstrap, String topic, String emulatorHost, int emulatorPort,
                                  URI controlPlane, String adminToken, String clientSecret, Duration interval) {

    public static final String DEFAULT_TOPIC = "teams-events";
    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 8090;
    public static final String DEFAULT_CONTROL_PLANE = "http://control-plane:8080";

    public static ComposeDemoSettings fromEnv(Map<String, String> env) {
        String bootstrap = env.get("BEACON_DEMO_KAFKA_BOOTSTRAP");
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("BEACON_DEMO_KAFKA_BOOTSTRAP is not set");
        }
        return new ComposeDemoSettings(bootstrap,
                env.getOrDefault("BEACON_DEMO_TOPIC", DEFAULT_TOPIC),
                env.getOrDefault("BEACON_DEMO_EMULATOR_HOST", DEFAULT_HOST),
                integer(env, "BEACON_DEMO_EMULATOR_PORT", DEFAULT_PORT),
                URI.create(env.getOrDefault("BEACON_DEMO_CONTROL_PLANE", DEFAULT_CONTROL_PLANE)),
                SecretSource.require(env, "BEACON_ADMIN_TOKEN"),
                SecretSource.require(env, "BEACON_DEMO_CLIENT_SECRET"),
                Duration.ofSeconds(integer(env, "BEACON_DEMO_INTERVAL", 20)));
    }

    private static int integer(Map<String, String> env, String name, int fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is not a whole number");
        }
    }

    @Override
    public String toString() {
        return "ComposeDemoSettings[kafka=" + kafkaBootstrap + ", topic=" + topic + ", emulator=" + emulatorHost + ":"
                + emulatorPort + ", controlPlane=" + controlPlane + ", interval=" + interval + "]";
    }
}
