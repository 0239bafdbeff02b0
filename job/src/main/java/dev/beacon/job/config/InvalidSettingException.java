package dev.beacon.job.config;

import dev.beacon.contracts.secrets.SecretSource;
import dev.beacon.contracts.secrets.SecretSource.SecretException;

/**
 * A setting (or a secret's location) with which Beacon cannot run: a missing or unreadable keystore, a wrong
 * password, no clientState, invalid detection rules, an endpoint that cannot be reached. The message names the
 * setting first, then the problem, on one line, e.g. {@code auth.keystore (or environment variable
 * BEACON_DECRYPTION_KEYSTORE): PKCS12 key store /etc/beacon/keys.p12 does not exist}. It never holds a secret's
 * value, and the cause is kept out of it for the same reason (causes may quote what they failed on).
 */
public final class InvalidSettingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String setting;

    public InvalidSettingException(String setting, String problem) {
        super(setting + ": " + oneLine(problem));
        this.setting = setting;
    }

    /** Which setting to fix, e.g. {@code jdbc.url} or {@code environment variable BEACON_CLIENT_STATE}. */
    public String setting() {
        return setting;
    }

    /** How a secret's location reads in messages: the option naming its file, or its environment variable. */
    public static String secretSetting(Secret secret, String fileOption) {
        return secret.file() != null
                ? fileOption + " (" + secret.file() + ")"
                : "environment variable " + secret.envName() + " (or " + secret.envName() + SecretSource.FILE_SUFFIX
                        + ")";
    }

    /**
     * A secret that {@link SecretSource} rejected (unreadable or empty file, NAME and NAME_FILE both set), reported
     * under the job's name for the setting. The contract's message never holds the value.
     */
    public static InvalidSettingException secret(String setting, SecretException e) {
        String problem = e.getMessage();
        String prefix = e.setting() + ": ";
        return new InvalidSettingException(setting,
                problem.startsWith(prefix) ? problem.substring(prefix.length()) : problem);
    }

    private static String oneLine(String text) {
        return text == null ? "invalid" : text.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
