package dev.beacon.control.subscriptions;

import static dev.beacon.control.subscriptions.SubscriptionRig.ALL_MESSAGES;
import static dev.beacon.control.subscriptions.SubscriptionRig.INTEGRATION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.control.testing.CapturedLogs;
import dev.beacon.testing.PostgresFixture;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 measured one integration whose credential Entra refused producing 47 % of all log lines: a WARN at
 * every reconcile pass. Now the first pass logs the cause and the rest of the window is counted, not logged.
 */
class RepeatedFailureLogTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    @TempDir
    Path exportDir;

    @Test
    void aFailingSignInIsOneWarnPerWindowNotOnePerPass() {
        try (SubscriptionRig rig = new SubscriptionRig(PG, exportDir); CapturedLogs logs = CapturedLogs.atDebug()) {
            rig.desire(ALL_MESSAGES, false, 4320);
            rig.signedOut.set(true);
            for (int pass = 0; pass < 120; pass++) { // ten minutes of 5 s passes
                assertThat(rig.reconciler.reconcile(INTEGRATION).outcome()).isEqualTo("sign-in required");
                rig.clock.advance(Duration.ofSeconds(5));
            }
            assertThat(logs.lines().stream().filter(l -> l.startsWith("WARN ")).toList()).containsExactly(
                    "WARN " + SubscriptionReconciler.class.getName() + " - Integration acme: no Graph token without "
                            + "a human: refresh token revoked; sign in again");
        }
    }
}
