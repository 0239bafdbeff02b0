package dev.beacon.job.triage;

import dev.beacon.job.config.BeaconOptions;
import dev.beacon.job.config.InvalidSettingException;
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
 * @param fetchSigningKeys the keys that sign fetched messages (base64, comma- or newline-separated); when it resolves
 *                        to nothing, fetched messages cannot be verified (dead letters)
 * @param dataKeyCacheSize unwrapped data keys each triage instance keeps ({@code decrypt.data-key-cache-size}); 0: none
 * @param nativeCrypto    whether the native provider may be used ({@code decrypt.native-provider})
 */
public record TriageSettings(
        DecodeLimits limits,
        Secret clientState,
        String keystorePath,
        String keystorePathEnv,
        Secret keystorePassword,
        String rulesFile,
        Secret fetchSigningKeys,
        int dataKeyCacheSize,
        boolean nativeCrypto) implements Serializable {

    public TriageSettings {
        if (dataKeyCacheSize < 0) {
            throw new InvalidSettingException(BeaconOptions.DATA_KEY_CACHE_SIZE.key(),
                    "must be 0 (no cache) or more, not " + dataKeyCacheSize);
        }
    }

    /** Without a data-key cache, with the native provider where it loads (the defaults). */
    public TriageSettings(DecodeLimits limits, Secret clientState, String keystorePath, String keystorePathEnv,
            Secret keystorePassword, String rulesFile, Secret fetchSigningKeys) {
        this(limits, clientState, keystorePath, keystorePathEnv, keystorePassword, rulesFile, fetchSigningKeys, 0,
                true);
    }

    public static TriageSettings from(Configuration conf) {
        String clientStateFile = conf.get(BeaconOptions.CLIENT_STATE_FILE);
        String passwordFile = conf.get(BeaconOptions.KEYSTORE_PASSWORD_FILE);
        String fetchKeyFile = conf.get(BeaconOptions.FETCH_SIGNING_KEY_FILE);
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
                conf.get(BeaconOptions.RULES_FILE),
                fetchKeyFile != null
                        ? Secret.fromFile(fetchKeyFile)
                        : Secret.fromEnv(conf.get(BeaconOptions.FETCH_SIGNING_KEYS_ENV)),
                conf.get(BeaconOptions.DATA_KEY_CACHE_SIZE),
                conf.get(BeaconOptions.NATIVE_CRYPTO));
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
