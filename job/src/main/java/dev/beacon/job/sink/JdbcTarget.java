package dev.beacon.job.sink;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the PostgreSQL sinks write, and where to find the password. The job graph holds only the name of an
 * environment variable or the path of a file (e.g. a mounted Kubernetes secret), never the password itself:
 * {@link #resolvePassword()} runs on the task manager when a sink opens its connection.
 *
 * @param url          JDBC URL, e.g. {@code jdbc:postgresql://db:5432/beacon}; put no password in it
 * @param user         database user
 * @param passwordEnv  environment variable holding the password, or null
 * @param passwordFile file holding the password (trailing newline ignored), or null; wins over {@code passwordEnv}
 */
public record JdbcTarget(String url, String user, String passwordEnv, String passwordFile) implements Serializable {

    public JdbcTarget {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("JDBC url is required");
        }
    }

    /**
     * The password, read now: from {@code passwordFile} if set, else from {@code passwordEnv}; null when neither
     * is set or the variable is unset (trust or certificate authentication).
     *
     * @throws IllegalStateException if the password file cannot be read (the message names the file only)
     */
    public String resolvePassword() {
        if (passwordFile != null && !passwordFile.isBlank()) {
            try {
                return Files.readString(Path.of(passwordFile), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalStateException("Cannot read the JDBC password file " + passwordFile + " ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
        if (passwordEnv != null && !passwordEnv.isBlank()) {
            return System.getenv(passwordEnv);
        }
        return null;
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
