package dev.beacon.job.config;

import dev.beacon.contracts.secrets.JobSecretsLayout;
import dev.beacon.contracts.secrets.SecretSource;
import dev.beacon.contracts.secrets.SecretSource.SecretException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A reference to a secret, resolved where it is used (on the task manager, in an operator's {@code open()}), so the
 * secret itself never travels in the job graph, the Flink UI or a log. Resolution follows the one rule of
 * {@link SecretSource}, shared with the control plane: an explicit file option ({@code file}) names the file;
 * otherwise the environment holds {@code NAME} or {@code NAME_FILE}, exactly one of them (both is an error). Files
 * lose trailing whitespace; an empty file is an error; errors name where the secret was looked up, never its value.
 *
 * @param envName the variable, e.g. {@code BEACON_CLIENT_STATE} (also read as {@code BEACON_CLIENT_STATE_FILE})
 * @param file    a file named by a job option, or null to use the environment
 */
public record Secret(String envName, String file) implements Serializable {

    public static Secret fromEnv(String envName) {
        return new Secret(envName, null);
    }

    public static Secret fromFile(String file) {
        return new Secret(null, file);
    }

    /**
     * The secret's value, or null when neither the file nor the variable is set.
     *
     * @throws SecretException when the file cannot be read or is empty, or both NAME and NAME_FILE are set
     */
    public String resolve() {
        return resolve(System.getenv());
    }

    String resolve(Map<String, String> env) {
        if (file != null) {
            return SecretSource.readFile(describe(), Path.of(file));
        }
        if (envName == null) {
            return null;
        }
        return SecretSource.resolve(env, envName).orElse(null);
    }

    /**
     * A list secret (e.g. accepted clientStates during a rotation): one value per line or comma-separated, as
     * {@link JobSecretsLayout#readList} reads the control plane's export; null when not set.
     *
     * @throws SecretException as {@link #resolve()}
     */
    public List<String> resolveList() {
        return resolveList(System.getenv());
    }

    List<String> resolveList(Map<String, String> env) {
        if (file != null) {
            return JobSecretsLayout.readList(describe(), Path.of(file));
        }
        String value = resolve(env);
        return value == null ? null : JobSecretsLayout.parseList(value);
    }

    /** Like {@link #resolve()}, but a missing secret is a configuration error naming where it was looked for. */
    public String require(String what) {
        String value = resolve();
        if (value == null) {
            throw new IllegalStateException(what + " is not configured: set " + describe());
        }
        return value;
    }

    /** Where the secret is looked up, for error messages (never its value). */
    public String describe() {
        return file != null
                ? "file " + file
                : "environment variable " + envName + " (or " + envName + SecretSource.FILE_SUFFIX + ")";
    }

    @Override
    public String toString() {
        return "Secret[" + describe() + "]";
    }
}
