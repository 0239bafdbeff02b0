package dev.beacon.bench.system;

import dev.beacon.job.correlate.FactIds;
import dev.beacon.job.testing.SampleStream;
import dev.beacon.job.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's input: {@code count} Graph collections, each holding one {@code created} rich chatMessage
 * notification encrypted for the job's certificate (RSA-OAEP wrapped data key, as Graph does), in the shape of
 * {@link SampleStream}. A share of them are security-desk notifications of emergency calls (each a new call: its own
 * caller, chat and message), the rest ordinary chatter; a share are redeliveries of an earlier record (Graph delivers
 * at least once). Deterministic for a given {@code runId}, which keeps callers of different runs apart.
 */
public final class Workload {

    /** One record: Kafka key, value, and the fact id it leads to when it is the first delivery of an emergency. */
    public record Item(String key, byte[] value, String factId) {}

    private final List<Item> items;
    private final int emergencies;

    private Workload(List<Item> items, int emergencies) {
        this.items = items;
        this.emergencies = emergencies;
    }

    /**
     * @param emergencyShare e.g. 0.01: every (1/share)-th record is an emergency
     * @param redeliveryShare e.g. 0.05: every (1/share)-th record repeats the record 7 places earlier
     */
    public static Workload generate(SampleStream stream, String runId, int count, double emergencyShare,
            double redeliveryShare) {
        int emergencyEvery = Math.max(1, (int) Math.round(1 / emergencyShare));
        int redeliverEvery = redeliveryShare <= 0 ? Integer.MAX_VALUE : Math.max(2, (int) Math.round(1 / redeliveryShare));
        Instant base = Instant.parse("2026-11-23T08:00:00Z");
        List<Item> items = new ArrayList<>(count);
        int emergencies = 0;
        for (int i = 0; i < count; i++) {
            if (i % redeliverEvery == redeliverEvery - 1 && i >= 7) {
                Item earlier = items.get(i - 7);
                items.add(new Item(earlier.key(), earlier.value(), null));
                continue;
            }
            String messageId = Long.toString(1_763_900_000_000L + i);
            String at = base.plusMillis(1000L * i).toString();
            if (i % emergencyEvery == 0) {
                String caller = caller(runId, i);
                String chat = "19:desk-" + runId + "-" + i + "@thread.v2";
                String value = stream.deskNotification(SampleStream.SUB_ALICE, chat, messageId, at, caller,
                        "Caller " + i, "911", "Building " + (i % 50) + ", Floor " + (i % 7));
                String factId = FactIds.factId(SampleStream.TENANT, caller, Instant.parse(at).toEpochMilli());
                items.add(new Item(chat, value.getBytes(StandardCharsets.UTF_8), factId));
                emergencies++;
            } else {
                String chat = "19:chatter-" + (i % 500) + "@unq.gbl.spaces";
                String value = stream.chatterNotification(SampleStream.SUB_BOB, chat, messageId, at,
                        "Status update " + i + ": the quarterly report draft is in the shared folder.");
                items.add(new Item(chat, value.getBytes(StandardCharsets.UTF_8), null));
            }
        }
        return new Workload(items, emergencies);
    }

    /** A caller id (UUID-shaped) unique to the run and the record. */
    static String caller(String runId, int i) {
        int run = Math.floorMod(runId.hashCode(), 0x10000);
        return String.format("00000000-%04x-4000-9000-%012d", run, i);
    }

    public static SampleStream stream(String clientState, TestKeys keys) {
        return new SampleStream(clientState, keys);
    }

    public List<Item> items() {
        return items;
    }

    /** Emergency calls in the workload: the number of facts the job ends with. */
    public int emergencies() {
        return emergencies;
    }
}
