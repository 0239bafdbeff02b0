package dev.beacon.job.config;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A reference to a secret, resolved where it is used (on the task manager, in an operator's {@code open()}), so the
 * secret itself never travels in the job graph, the Flink UI or a log. A file wins over an environment variable;
 * {@code NAME_FILE} in the environment is honoured as well (the Docker/Kubernetes secrets convention).
 */
public record Secret(String envName, String file) implements Serializable {

    public static Secret fromEnv(String envName) {
        return new Secret(envName, null);
    }

    public static Secret fromFile(String file) {
        return new Secret(null, file);
    }

    /** The secret's value, or null when neither the file nor the variable is set. */
    public String resolve() {
        return resolve(System.getenv());
    }

    String resolve(Map<String, String> env) {
        if (file != null) {
            return read(file);
        }
        if (envName == null) {
            return null;
        }
        String indirect = env.get(envName + "_FILE");
        if (indirect != null && !indirect.isBlank()) {
            return read(indirect);
        }
        String value = env.get(envName);
        return value == null || value.isBlank() ? null : value;
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
        return file != null ? "file " + file : "environment variable " + envName + " (or " + envName + "_FILE)";
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file)).strip();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read secret file " + file + ": " + e.getClass().getSimpleName(), e);
        }
    }

    @Override
    public String toString() {
        return "Secret[" + describe() + "]";
    }
}
