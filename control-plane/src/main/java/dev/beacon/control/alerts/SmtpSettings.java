package dev.beacon.control.alerts;

import java.util.Locale;

/**
 * How alert e-mails leave: {@code BEACON_SMTP_HOST}, {@code _PORT} (default 587), {@code _USER},
 * {@code _PASSWORD} / {@code _PASSWORD_FILE}, {@code _FROM}, {@code _STARTTLS} ({@code required} (default),
 * {@code optional} or {@code off}). {@link #toString} never shows the password.
 */
public record SmtpSettings(String host, int port, String user, String password, String from, StartTls startTls) {

    /** Whether the connection must, may or must not be upgraded with STARTTLS. */
    public enum StartTls {
        REQUIRED, OPTIONAL, OFF;

        public static StartTls of(String v) {
            try {
                return valueOf(v.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("BEACON_SMTP_STARTTLS must be required, optional or off");
            }
        }
    }

    public SmtpSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("BEACON_SMTP_HOST is required for e-mail alerts");
        }
        if (from == null || from.isBlank()) {
            throw new IllegalArgumentException("BEACON_SMTP_FROM is required for e-mail alerts");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("BEACON_SMTP_PORT must be 1-65535");
        }
    }

    @Override
    public String toString() {
        return host + ":" + port + " from " + from + ", STARTTLS " + startTls.name().toLowerCase(Locale.ROOT)
                + (user == null ? ", no login" : ", user " + user + ", password " + (password == null ? "unset" : "set"));
    }
}
