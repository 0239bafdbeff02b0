package dev.beacon.contracts.secrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The one rule for reading a secret, on both sides: {@code NAME} holds the value, or {@code NAME_FILE} names a file
 * holding it (the Docker/Kubernetes secrets convention). Exactly one may be set; both is an error, because which
 * one wins would be a guess. A file's trailing whitespace (the newline editors add) is stripped; an empty value or
 * file is an error. Errors name the variable and the file, never the content.
 */
public final class SecretSource {

    public static final String FILE_SUFFIX = "_FILE";

    private SecretSource() {}

    /** The secret named {@code name} in {@code env}, or empty when neither form is set. */
    public static Optional<String> resolve(Map<String, String> env, String name) {
        String direct = nonBlank(env.get(name));
        String file = nonBlank(env.get(name + FILE_SUFFIX));
        if (direct != null && file != null) {
            throw new SecretException(name, "set " + name + " or " + name + FILE_SUFFIX + ", not both");
        }
        if (file != null) {
            return Optional.of(readFile(name + FILE_SUFFIX, Path.of(file)));
        }
        return Optional.ofNullable(direct);
    }

    /** Like {@link #resolve}, but a missing secret is an error naming both forms. */
    public static String require(Map<String, String> env, String name) {
        return resolve(env, name).orElseThrow(() -> new SecretException(name, describe(name) + " is not set"));
    }

    /**
     * Reads a secret file, by the same rule.
     *
     * @param setting what named the file, for errors (a variable or an option key)
     */
    public static String readFile(String setting, Path file) {
        String value;
        try {
            value = Files.readString(file, StandardCharsets.UTF_8).stripTrailing();
        } catch (NoSuchFileException e) {
            throw new SecretException(setting, setting + ": no such file " + file);
        } catch (IOException e) {
            throw new SecretException(setting, setting + ": cannot read " + file + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (value.isEmpty()) {
            throw new SecretException(setting, setting + ": " + file + " is empty");
        }
        return value;
    }

    /** "NAME or NAME_FILE": where the secret is looked up, for messages. */
    public static String describe(String name) {
        return name + " or " + name + FILE_SUFFIX;
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** A secret that is set wrongly. {@link #setting()} names the variable or option to fix. */
    public static final class SecretException extends IllegalArgumentException {
        private final String setting;

        public SecretException(String setting, String message) {
            super(message);
            this.setting = setting;
        }

        public String setting() {
            return setting;
        }
    }
}
