package dev.beacon.control.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngressSettingsTest {

    static Map<String, String> minimal() {
        return new HashMap<>(Map.of(
                "BEACON_KAFKA_BOOTSTRAP", "kafka:9092",
                "BEACON_CLIENT_STATE", "s1,s2",
                "BEACON_INGRESS_APP_IDS", "app-1, app-2"));
    }

    @Test
    void defaults() {
        IngressSettings s = IngressSettings.fromEnv(minimal());
        assertThat(s.port()).isEqualTo(8088);
        assertThat(s.host()).isEqualTo("0.0.0.0");
        assertThat(s.topic()).isEqualTo("teams-events");
        assertThat(s.appIds()).containsExactlyInAnyOrder("app-1", "app-2");
        assertThat(s.jwksUrl()).isEqualTo(IngressSettings.MICROSOFT_JWKS);
        assertThat(s.maxBodyBytes()).isEqualTo(1_000_000);
        assertThat(s.sendTimeout().toMillis()).isEqualTo(1500);
        assertThat(s.tlsKeystore()).isNull();
        assertThat(AcceptedClientStates.from(s).size()).isEqualTo(2);
    }

    @Test
    void secretsAreNeverDescribed(@TempDir Path dir) throws Exception {
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "keystore-password-value\n");
        Map<String, String> env = minimal();
        env.put("BEACON_CLIENT_STATE", "client-state-value");
        env.put("BEACON_INGRESS_TLS_KEYSTORE", dir.resolve("tls.p12").toString());
        env.put("BEACON_INGRESS_TLS_KEYSTORE_PASSWORD_FILE", pw.toString());
        IngressSettings s = IngressSettings.fromEnv(env);
        assertThat(s.tlsKeystorePassword()).isEqualTo("keystore-password-value");
        assertThat(s.describe() + s).doesNotContain("client-state-value").doesNotContain("keystore-password-value")
                .contains("https://");
    }

    @Test
    void everyProblemIsNamed() {
        Map<String, String> env = new HashMap<>(Map.of("BEACON_INGRESS_PORT", "x",
                "BEACON_INGRESS_SEND_TIMEOUT", "5s", "BEACON_INGRESS_TLS_KEYSTORE", "/k.p12"));
        assertThatThrownBy(() -> IngressSettings.fromEnv(env)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("BEACON_INGRESS_PORT").hasMessageContaining("BEACON_KAFKA_BOOTSTRAP")
                .hasMessageContaining("BEACON_CLIENT_STATE").hasMessageContaining("BEACON_INGRESS_APP_IDS")
                .hasMessageContaining("BEACON_INGRESS_SEND_TIMEOUT")
                .hasMessageContaining("BEACON_INGRESS_TLS_KEYSTORE_PASSWORD");
        Map<String, String> both = minimal();
        both.put("BEACON_CLIENT_STATE_FILE", "/x");
        assertThatThrownBy(() -> IngressSettings.fromEnv(both)).hasMessageContaining("not both");
    }

    @Test
    void clientStatesCompareWholeValuesOnly() {
        AcceptedClientStates s = AcceptedClientStates.of("alpha, beta");
        assertThat(s.accepts("alpha")).isTrue();
        assertThat(s.accepts("beta")).isTrue();
        assertThat(s.accepts("alph")).isFalse();
        assertThat(s.accepts("alpha,beta")).isFalse();
        assertThat(s.accepts("")).isFalse();
        assertThat(s.accepts(null)).isFalse();
    }

    @Test
    void logSafeEscapesControlCharacters() {
        assertThat(LogSafe.clean("a\nb\r\u001b[31mc\u2028")).isEqualTo("a\\u000ab\\u000d\\u001b[31mc\\u2028");
        assertThat(LogSafe.clean("x".repeat(1000))).hasSize(LogSafe.MAX + 3);
    }
}
