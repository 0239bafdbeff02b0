package dev.beacon.job.correlate;

import static dev.beacon.job.testing.Signals.CREATED_AT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.job.emergencyevents.EmergencyCallEvent;
import dev.beacon.job.reference.ReferenceUpdate;
import dev.beacon.job.testing.CallEventSamples;
import dev.beacon.job.testing.Signals;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Caller resolution: Graph's emergency call events name the caller by UPN, chat by object id. The directory's UPN
 * index ({@link UpnIndex}) gives the id; an unknown UPN waits the grace period, then goes on under a fallback
 * caller. Nothing stays in state or on a timer once the events went on.
 */
class CallerResolverTest {

    private static final Duration GRACE = Duration.ofSeconds(60);
    private static final long NOW = CREATED_AT + 5_000;
    private static final String UPN_KEY = UpnIndex.key(Signals.TENANT, CallEventSamples.UPN);

    private KeyedTwoInputStreamOperatorTestHarness<String, EmergencyCallEvent, UpnEntry, EmergencyCallEvent> harness;

    @BeforeEach
    void open() throws Exception {
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(CallerResolver.operator(new CallerResolver(GRACE)),
                CallerResolver::key, e -> e.key, Types.STRING);
        harness.open();
        harness.setProcessingTime(NOW);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static EmergencyCallEvent unresolved() {
        return CallEventSamples.started("ev-1", CREATED_AT).callerUserId(null).build();
    }

    @Test
    void theResolverKeyIsTheTenantAndTheLowerCaseUpn() {
        assertThat(UPN_KEY).isEqualTo(Signals.TENANT + "|alex.caller@contoso.example");
        assertThat(CallerResolver.fallbackCaller(unresolved())).isEqualTo("upn:alex.caller@contoso.example");
    }

    @Test
    void aKnownUpnResolvesAtOnceAndAnEventThatNamesItsCallerPassesThrough() throws Exception {
        harness.processElement2(new UpnEntry(UPN_KEY, Signals.CALLER), 0);
        harness.processElement1(unresolved(), 0);
        EmergencyCallEvent named = CallEventSamples.started("ev-2", CREATED_AT).callerUserId("someone-else").build();
        harness.processElement1(named, 0);

        assertThat(harness.extractOutputValues()).containsExactly(unresolved().withCallerUserId(Signals.CALLER),
                named);
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void anUnknownUpnWaitsForTheDirectoryAndLeavesNothingBehind() throws Exception {
        harness.processElement1(unresolved(), 0);
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

        harness.setProcessingTime(NOW + 10_000);
        harness.processElement2(new UpnEntry(UPN_KEY, Signals.CALLER), 0);

        assertThat(harness.extractOutputValues()).containsExactly(unresolved().withCallerUserId(Signals.CALLER));
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries()).as("only the UPN's user id").isEqualTo(1);
    }

    @Test
    void afterTheGraceAnUnknownUpnGoesOnUnderTheFallbackCaller() throws Exception {
        harness.processElement1(unresolved(), 0);
        harness.setProcessingTime(NOW + 1_000);
        EmergencyCallEvent ended = CallEventSamples.ended("ev-1", CREATED_AT + 30_000).callerUserId(null).build();
        harness.processElement1(ended, 0);
        assertThat(harness.numProcessingTimeTimers()).as("one timer for the UPN").isEqualTo(1);

        harness.setProcessingTime(NOW + GRACE.toMillis() - 1);
        assertThat(harness.extractOutputValues()).isEmpty();
        harness.setProcessingTime(NOW + GRACE.toMillis());

        assertThat(harness.extractOutputValues()).containsExactly(
                unresolved().withCallerUserId("upn:alex.caller@contoso.example"),
                ended.withCallerUserId("upn:alex.caller@contoso.example"));
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void whenABoundedInputEndsEveryWaitingEventGoesOnUnderItsFallbackCaller() throws Exception {
        harness.processElement1(unresolved(), 0);
        EmergencyCallEvent other = CallEventSamples.started("ev-9", CREATED_AT).callerUserId(null)
                .upn("someone@contoso.example").build();
        harness.processElement1(other, 0);
        assertThat(harness.extractOutputValues()).isEmpty();

        harness.endAllInputs();

        assertThat(harness.extractOutputValues()).containsExactlyInAnyOrder(
                unresolved().withCallerUserId("upn:alex.caller@contoso.example"),
                other.withCallerUserId("upn:someone@contoso.example"));
    }

    @Test
    void aRemovedUpnIsUnknownAgain() throws Exception {
        harness.processElement2(new UpnEntry(UPN_KEY, Signals.CALLER), 0);
        harness.processElement2(new UpnEntry(UPN_KEY, null), 0);
        assertThat(harness.numKeyedStateEntries()).isZero();
        harness.processElement1(unresolved(), 0);
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
    }

    @Test
    void withoutGraceAnUnknownUpnGoesOnAtOnce() throws Exception {
        try (var noGrace = new KeyedTwoInputStreamOperatorTestHarness<String, EmergencyCallEvent, UpnEntry,
                EmergencyCallEvent>(new KeyedCoProcessOperator<>(new CallerResolver(Duration.ZERO)),
                CallerResolver::key, e -> e.key, Types.STRING)) {
            noGrace.open();
            noGrace.processElement1(unresolved(), 0);
            assertThat(noGrace.extractOutputValues()).containsExactly(
                    unresolved().withCallerUserId("upn:alex.caller@contoso.example"));
            assertThat(noGrace.numKeyedStateEntries()).isZero();
            assertThat(noGrace.numProcessingTimeTimers()).isZero();
        }
    }

    @Test
    void theUpnIndexMovesAUserWhoseUpnChangedAndForgetsADeletedOne() throws Exception {
        try (var index = new KeyedOneInputStreamOperatorTestHarness<String, ReferenceUpdate, UpnEntry>(
                new KeyedProcessOperator<>(new UpnIndex()), u -> u.key, Types.STRING)) {
            index.open();
            index.processElement(CallEventSamples.directoryUser(Signals.TENANT, Signals.CALLER, "Old@Contoso.example"),
                    0);
            index.processElement(CallEventSamples.directoryUser(Signals.TENANT, Signals.CALLER, "new@contoso.example"),
                    0);
            index.processElement(ReferenceUpdate.tombstone(ReferenceUpdate.Kind.DIRECTORY_USER,
                    Keys.caller(Signals.TENANT, Signals.CALLER)), 0);

            assertThat(index.extractOutputValues()).containsExactly(
                    new UpnEntry(Signals.TENANT + "|old@contoso.example", Signals.CALLER),
                    new UpnEntry(Signals.TENANT + "|old@contoso.example", null),
                    new UpnEntry(Signals.TENANT + "|new@contoso.example", Signals.CALLER),
                    new UpnEntry(Signals.TENANT + "|new@contoso.example", null));
            assertThat(index.numKeyedStateEntries()).isZero();
        }
    }
}
