package dev.beacon.control.settings;

import java.util.Objects;

/**
 * One documented environment variable: what {@code beaconctl serve --help}, {@code db migrate --help} and
 * {@code ingress --help} list. {@link EnvSettingDocs} holds them all; a test checks that list against the variables
 * the code reads, so the help cannot drift from the code.
 *
 * @param name         the variable, e.g. {@code BEACON_HTTP_PORT}
 * @param defaultValue what applies when it is unset ({@code "(required)"}, {@code "(none)"} or a value)
 * @param meaning      one line for an operator
 * @param secret       true when it may also be given as {@code NAME_FILE} (a mounted file), and is never shown
 */
public record EnvSettingDoc(String name, String defaultValue, String meaning, boolean secret) {

    public EnvSettingDoc {
        Objects.requireNonNull(name);
        Objects.requireNonNull(defaultValue);
        Objects.requireNonNull(meaning);
        if (!name.startsWith("BEACON_")) {
            throw new IllegalArgumentException("not a Beacon setting: " + name);
        }
    }

    static EnvSettingDoc plain(String name, Object defaultValue, String meaning) {
        return new EnvSettingDoc(name, String.valueOf(defaultValue), meaning, false);
    }

    static EnvSettingDoc secret(String name, String defaultValue, String meaning) {
        return new EnvSettingDoc(name, defaultValue, meaning, true);
    }

    /** The name as an operator may write it: {@code NAME[_FILE]} for secrets. */
    public String displayName() {
        return secret ? name + "[_FILE]" : name;
    }
}
