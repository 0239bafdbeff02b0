package dev.beacon.control.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code BEACON_ALERTS*} and {@code BEACON_SMTP_*}: defaults, files for the password, errors that name settings. */
class AlertsSettingsTest {

    @Test
    void defaultsAreOnWithKafkaAndOffWithout() {
        AlertsSettings s = AlertsSettings.fromEnv(Map.of(), true);
        assertThat(s.enabled()).isTrue();
        assertThat(s.topic()).isEqualTo("emergency-call-facts");
        assertThat(s.group()).isEqualTo("beacon-alerts");
        assertThat(s.deadLetterTopic()).isEqualTo("beacon-alerts-dead-letters");
        assertThat(s.backoff().initial()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.backoff().max()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.maxAttempts()).isEqualTo(8);
        assertThat(s.smtp()).isEmpty();
        assertThat(AlertsSettings.fromEnv(Map.of(), false).enabled()).isFalse();
        assertThat(AlertsSettings.fromEnv(Map.of("BEACON_ALERTS", "off"), true).enabled()).isFalse();
    }

    @Test
    void smtpPasswordComesFromAFileAndIsNeverShown(@TempDir Path dir) throws Exception {
        Path pw = dir.resolve("smtp-password");
        Files.writeString(pw, "hunter2-smtp\n");
        AlertsSettings s = AlertsSettings.fromEnv(Map.of("BEACON_SMTP_HOST", "smtp.contoso.example",
                "BEACON_SMTP_USER", "beacon", "BEACON_SMTP_PASSWORD_FILE", pw.toString(),
                "BEACON_SMTP_FROM", "beacon@contoso.example", "BEACON_ALERTS_RETRY_INITIAL", "200ms",
                "BEACON_ALERTS_RETRY_MAX", "30s", "BEACON_ALERTS_MAX_ATTEMPTS", "5"), true);
        SmtpSettings smtp = s.smtp().orElseThrow();
        assertThat(smtp.password()).isEqualTo("hunter2-smtp");
        assertThat(smtp.port()).isEqualTo(587);
        assertThat(smtp.startTls()).isEqualTo(SmtpSettings.StartTls.REQUIRED);
        assertThat(s.toString()).isEqualTo("emergency-call-facts (group beacon-alerts, dead letters "
                + "beacon-alerts-dead-letters, 5 attempts, backoff PT0.2S..PT30S, SMTP smtp.contoso.example:587 from "
                + "beacon@contoso.example, STARTTLS required, user beacon, password set)");
    }

    @Test
    void badValuesNameTheSetting() {
        assertThatThrownBy(() -> AlertsSettings.fromEnv(Map.of("BEACON_ALERTS_MAX_ATTEMPTS", "many"), true))
                .hasMessage("BEACON_ALERTS_MAX_ATTEMPTS must be an integer");
        assertThatThrownBy(() -> AlertsSettings.fromEnv(Map.of("BEACON_ALERTS_RETRY_INITIAL", "soon"), true))
                .hasMessage("BEACON_ALERTS_RETRY_INITIAL must be a positive duration such as 1s, 500ms or 2m");
        assertThatThrownBy(() -> AlertsSettings.fromEnv(Map.of("BEACON_SMTP_HOST", "smtp.example"), true))
                .hasMessage("BEACON_SMTP_FROM is required for e-mail alerts");
        assertThatThrownBy(() -> AlertsSettings.fromEnv(Map.of("BEACON_SMTP_HOST", "smtp.example",
                "BEACON_SMTP_FROM", "a@b.example", "BEACON_SMTP_STARTTLS", "maybe"), true))
                .hasMessage("BEACON_SMTP_STARTTLS must be required, optional or off");
    }
}
