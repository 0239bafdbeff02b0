package dev.beacon.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.control.ControlPlaneService;
import dev.beacon.control.ControlPlaneSettings;
import dev.beacon.control.emulator.MicrosoftEmulator;
import dev.beacon.control.signin.SignInSettings;
import dev.beacon.control.vault.SealedBox;
import dev.beacon.job.testing.LocalStack;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClasspathSmokeTest {
    @TempDir Path dir;

    @Test
    void jobAndControlPlaneShareOneJvm() throws Exception {
        try (LocalStack stack = LocalStack.start(dir, 1);
             MicrosoftEmulator emulator = MicrosoftEmulator.start(Clock.systemUTC())) {
            Map<String, String> env = new HashMap<>();
            env.put("BEACON_JDBC_URL", stack.postgres.jdbcUrl());
            env.put("BEACON_JDBC_USER", stack.postgres.user());
            env.put("BEACON_JDBC_PASSWORD", stack.postgres.password());
            env.put("BEACON_VAULT_KEY", SealedBox.newKeyBase64());
            env.put("BEACON_ADMIN_TOKEN", "0123456789abcdef0123456789abcdef");
            env.put("BEACON_HTTP_PORT", "0");
            env.put("BEACON_MICROSOFT_ROUTE", emulator.baseUri().toString());
            try (var cp = ControlPlaneService.start(ControlPlaneSettings.fromEnv(env), Clock.systemUTC(),
                    SignInSettings.defaults())) {
                stack.publishSampleStream();
                stack.runJob(StreamExecutionEnvironment.getExecutionEnvironment(), stack.jobConfiguration());
                assertThat(stack.postgres.queryValue("SELECT count(*) FROM emergency_call")).isEqualTo(3L);
            }
        }
    }
}
