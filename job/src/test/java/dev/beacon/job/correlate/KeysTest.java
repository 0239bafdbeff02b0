package dev.beacon.job.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.job.detect.EmergencySignal;
import dev.beacon.job.testing.Signals;
import org.junit.jupiter.api.Test;

class KeysTest {

    @Test
    void messageKeyIsTenantChatAndMessage() {
        EmergencySignal s = Signals.created("19:abc@thread.v2", "1740823200000").build();

        assertThat(Keys.message(s)).isEqualTo("tenant-a|19:abc@thread.v2|1740823200000");
    }

    @Test
    void callerKeyIsTenantAndCallerForSignalsAndChanges() {
        EmergencySignal s = Signals.created("chat-1", "m-1").build();

        assertThat(Keys.caller(s)).isEqualTo("tenant-a|user-caller-1");
        assertThat(Keys.caller(new MessageChange(MessageChange.Kind.NEW, s))).isEqualTo("tenant-a|user-caller-1");
    }
}
