package dev.beacon.job.triage;

import dev.beacon.job.config.BeaconOptions;
import dev.beacon.job.config.Secret;
import dev.beacon.job.decode.DecodeLimits;
import java.io.Serializable;
import org.apache.flink.configuration.Configuration;

/**
 * What triage needs to build its components in {@code open()}. Holds references to secrets, never their values.
 *
 * @param keystorePath    PKCS12 path; when null, the environment variable {@code keystorePathEnv} is read on the
 *                        task manager; when both are empty, rich notifications cannot be decrypted (dead letters)
 * @param rulesFile       detection rules JSON, or null for the built-in defaults
 */
public record TriageSettings(
        DecodeLimits limits,
        Secret clientState,
        String keystorePath,
        String keystorePathEnv,
        Secret keystorePassword,
        String rulesFile) implements Serializable {

    public static TriageSettings from(Configuration conf) {
        String clientStateFile = conf.get(BeaconOptions.CLIENT_STATE_FILE);
        String passwordFile = conf.get(BeaconOptions.KEYSTORE_PASSWORD_FILE);
        return new TriageSettings(
                new DecodeLimits(
                        conf.get(BeaconOptions.MAX_RECORD_BYTES),
                        conf.get(BeaconOptions.MAX_NESTING_DEPTH),
                        conf.get(BeaconOptions.MAX_ITEMS_PER_RECORD),
                        conf.get(BeaconOptions.MAX_DEAD_LETTER_CHARS)),
                clientStateFile != null
                        ? Secret.fromFile(clientStateFile)
                        : Secret.fromEnv(conf.get(BeaconOptions.CLIENT_STATE_ENV)),
                conf.get(BeaconOptions.KEYSTORE_PATH),
                conf.get(BeaconOptions.KEYSTORE_PATH_ENV),
                passwordFile != null
                        ? Secret.fromFile(passwordFile)
                        : Secret.fromEnv(conf.get(BeaconOptions.KEYSTORE_PASSWORD_ENV)),
                conf.get(BeaconOptions.RULES_FILE));
    }

    /** The keystore path to use on this machine, or null when none is configured. */
    String resolveKeystorePath() {
        if (keystorePath != null && !keystorePath.isBlank()) {
            return keystorePath;
        }
        String fromEnv = keystorePathEnv == null ? null : System.getenv(keystorePathEnv);
        return fromEnv == null || fromEnv.isBlank() ? null : fromEnv;
    }
}
