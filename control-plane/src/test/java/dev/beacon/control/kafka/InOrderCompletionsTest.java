package dev.beacon.control.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The commit rule for one partition's records run concurrently: only the contiguous done prefix; the first record
 * not done is where the partition resumes (waits on it if it failed). Outcomes are written D (done), H (a handler's own kind
 * of done), R (retry later), - (not started).
 */
class InOrderCompletionsTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                // outcomes, done, failed, started, finished
                Arguments.of("", 0, false, false, true),
                Arguments.of("D", 1, false, true, true),
                Arguments.of("DDDD", 4, false, true, true),
                Arguments.of("R", 0, true, true, false),
                Arguments.of("RDDD", 0, true, true, false), // later ones done concurrently: not committed
                Arguments.of("DDRD", 2, true, true, false),
                Arguments.of("DDRR", 2, true, true, false),
                Arguments.of("DDDR", 3, true, true, false),
                Arguments.of("DD--", 2, false, true, false), // stop or another partition failed: rest next poll
                Arguments.of("----", 0, false, false, false),
                Arguments.of("DR--", 1, true, true, false),
                Arguments.of("HHDH", 4, false, true, true), // a handler's own kind of done counts as done
                Arguments.of("HRH-", 1, true, true, false));
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("cases")
    void commitsOnlyTheContiguousDonePrefix(String outcomes, int done, boolean failed, boolean started,
                                            boolean finished) {
        InOrderCompletions.Settled s = InOrderCompletions.settle(parse(outcomes));
        assertThat(s).isEqualTo(new InOrderCompletions.Settled(done, failed, started));
        assertThat(s.finished(outcomes.length())).isEqualTo(finished);
    }

    static List<RecordOutcome> parse(String outcomes) {
        List<RecordOutcome> out = new ArrayList<>();
        for (char c : outcomes.toCharArray()) {
            out.add(switch (c) {
                case 'D' -> new RecordOutcome.Done("done");
                case 'R' -> retry();
                case 'H' -> new RecordOutcome() { };
                default -> null;
            });
        }
        return out;
    }

    static RecordOutcome.RetryLater retry() {
        return new RecordOutcome.RetryLater() {
            @Override
            public Exception failure() {
                return new IllegalStateException("down");
            }

            @Override
            public Optional<Duration> retryAfter() {
                return Optional.empty();
            }
        };
    }
}
