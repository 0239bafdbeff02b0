package dev.beacon.job.sink;

import dev.beacon.contracts.secrets.SecretSource.SecretException;
import dev.beacon.job.config.Secret;
import java.io.Serializable;

/**
 * Where the PostgreSQL sinks write, and where to find the password. The job graph holds only the name of an
 * environment variable or the path of a file (e.g. a mounted Kubernetes secret), never the password itself:
 * {@link #resolvePassword()} runs on the task manager when a sink opens its connection.
 *
 * @param url          JDBC URL, e.g. {@code jdbc:postgresql://db:5432/beacon}; put no password in it
 * @param user         database user
 * @param passwordEnv  environment variable holding the password (or, with {@code _FILE}, its file), or null
 * @param passwordFile file holding the password (trailing whitespace ignored), or null; when set, the environment
 *                     is not consulted
 */
public record JdbcTarget(String url, String user, String passwordEnv, String passwordFile) implements Serializable {

    public JdbcTarget {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("JDBC url is required");
        }
    }

    /**
     * The password, read now, by the {@link Secret} rule: {@code passwordFile} if set, else the environment's
     * {@code passwordEnv} or {@code passwordEnv_FILE} (exactly one); null when none is set (trust or certificate
     * authentication).
     *
     * @throws IllegalStateException if the password cannot be read, is empty, or is set twice (the message names
     *     the file or variables only)
     */
    public String resolvePassword() {
        boolean hasFile = passwordFile != null && !passwordFile.isBlank();
        boolean hasEnv = passwordEnv != null && !passwordEnv.isBlank();
        if (!hasFile && !hasEnv) {
            return null;
        }
        Secret secret = hasFile ? Secret.fromFile(passwordFile) : Secret.fromEnv(passwordEnv);
        try {
            return secret.resolve();
        } catch (SecretException e) {
            throw new IllegalStateException("JDBC password: " + e.getMessage());
        }
    }

    /** Without the URL's query string, which is where a careless password would hide. */
    @Override
    public String toString() {
        int q = url.indexOf('?');
        return "JdbcTarget{" + (q < 0 ? url : url.substring(0, q) + "?…") + ", user=" + user
                + (passwordFile != null ? ", passwordFile=" + passwordFile : "")
                + (passwordEnv != null ? ", passwordEnv=" + passwordEnv : "") + "}";
    }
}
