package dev.beacon.job.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.job.detect.Detection.FailureCause;
import dev.beacon.job.detect.Detection.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DetectionTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "<null>", value = {
        "user        | u-1    | <null>",
        "user        | <null> | the sender is a user without an id",
        "user        | '  '   | the sender is a user without an id",
        "application | <null> | the sender is an application, not a user",
        "device      | <null> | the sender is a device, not a user",
        "none        | <null> | the message has no sender",
        "<null>      | <null> | the message has no sender",
    })
    void anEmergencyNeedsAUserCaller(String senderKind, String callerUserId, String reason) {
        Detection d = new Detection(Kind.EMERGENCY, "r", senderKind, callerUserId, null, null, "911", false, null,
                1L, 1L, "hash", false, null);

        assertThat(d.missingCallerReason()).isEqualTo(reason);
    }

    @Test
    void onlyEmergenciesAreAskedForACaller() {
        assertThat(Detection.notEmergency().missingCallerReason()).isNull();
        assertThat(Detection.deletedNotEmergency(1L, 2L).missingCallerReason()).isNull();
        assertThat(Detection.failed(FailureCause.UNEXPECTED_ERROR, "x").missingCallerReason()).isNull();
    }

    @Test
    void kindsAreExplicit() {
        assertThat(Detection.notEmergency().kind()).isEqualTo(Kind.NOT_EMERGENCY);
        assertThat(Detection.deletedNotEmergency(1L, 2L).kind()).isEqualTo(Kind.DELETED);
        assertThat(Detection.deletedNotEmergency(1L, 2L).deleted()).isTrue();
        Detection failed = Detection.failed(FailureCause.BUDGET_EXHAUSTED, "location.patterns[0] ran out");
        assertThat(failed.kind()).isEqualTo(Kind.FAILED);
        assertThat(failed.failed()).isTrue();
        assertThat(failed.emergency()).isFalse();
        assertThat(failed.failure()).isEqualTo(new Detection.Failure(FailureCause.BUDGET_EXHAUSTED,
                "location.patterns[0] ran out"));
        assertThat(failed).hasToString(
                "Detection{kind=FAILED, cause=BUDGET_EXHAUSTED, detail=location.patterns[0] ran out}");
    }
}
