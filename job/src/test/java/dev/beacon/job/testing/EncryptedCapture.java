package dev.beacon.job.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A replay capture of {@code size} encrypted rich notifications, as Graph's traffic looks to the job: mostly ordinary
 * chatter, a share of emergency calls (two desk notifications each, seconds apart), a share of redeliveries (the
 * same record again, a few records later). Deterministic for a given seed, apart from the encryption's random data
 * keys. Each line is a bare record value (one collection with one notification).
 */
public final class EncryptedCapture {

    /** What was written and what the job should make of it. */
    public record Written(Path file, int notifications, int calls, int redeliveries) {}

    private EncryptedCapture() {}

    /**
     * @param emergencyPercent share of notifications that are desk notifications of an emergency call
     * @param redeliveryPercent share of notifications that repeat an earlier record
     */
    public static Written write(Path file, SampleStream stream, int size, int emergencyPercent,
            int redeliveryPercent, long seed) throws IOException {
        Random random = new Random(seed);
        List<String> lines = new ArrayList<>(size);
        Instant start = Instant.parse("2026-11-24T08:00:00Z");
        int calls = 0;
        int redeliveries = 0;
        while (lines.size() < size) {
            int i = lines.size();
            int roll = random.nextInt(100);
            String at = start.plusSeconds(i).toString();
            if (roll < redeliveryPercent && i > 10) {
                lines.add(lines.get(i - 1 - random.nextInt(10)));
                redeliveries++;
            } else if (roll < redeliveryPercent + emergencyPercent && lines.size() + 2 <= size) {
                String caller = String.format("00000000-0000-4000-a000-%012d", calls);
                String name = "Caller " + calls;
                String later = start.plusSeconds(i + 2).toString();
                lines.add(stream.deskNotification(SampleStream.SUB_ALICE, "19:alice-bench-" + calls + "@thread.v2",
                        "500" + calls, at, caller, name, "911", "Site " + calls));
                lines.add(stream.deskNotification(SampleStream.SUB_BOB, "19:bob-bench-" + calls + "@thread.v2",
                        "600" + calls, later, caller, name, "911", "Site " + calls));
                calls++;
            } else {
                lines.add(stream.chatterNotification(SampleStream.SUB_ALICE, "19:chatter-" + (i % 97) + "@thread.v2",
                        "700" + i, at, "Ordinary message number " + i + " about lunch and the weather."));
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, lines, StandardCharsets.UTF_8);
        return new Written(file, lines.size(), calls, redeliveries);
    }
}
