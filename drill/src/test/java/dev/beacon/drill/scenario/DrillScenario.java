package dev.beacon.drill.scenario;

import dev.beacon.job.correlate.FactIds;
import dev.beacon.job.testing.SampleStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The drill's input, round by round: emergency calls, each posted by Teams in two or three security-desk members'
 * chats, delivered the way that makes fact identity hard:
 *
 * <ul>
 *   <li>the desk messages of one call go to <em>different</em> partitions, so different source subtasks read them
 *       and their arrival order at the correlator is a race;
 *   <li>they are written <em>latest-created first</em>, so the message that arrives first is usually not the one
 *       whose {@code createdDateTime} anchors the call's id;
 *   <li>every desk message is delivered twice, the second time on yet another partition (Graph delivers at least
 *       once), so a redelivery can overtake its original;
 *   <li>ordinary chatter is mixed in;
 *   <li>every fourth call is a repeat caller, half an hour after their previous call: a separate fact with another id.
 * </ul>
 *
 * Each round is split where a call is half written: its later desk messages go before the TaskManager is killed,
 * its earliest one after, so the anchor of that call's id arrives while the job is recovering.
 *
 * <p>The records themselves (Graph notification collections with the message encrypted for the job's certificate)
 * come from the job's {@link SampleStream}, the same code the job's own tests use.
 */
public final class DrillScenario {

    /** The tenant every notification of {@link SampleStream} comes from. */
    public static final String TENANT = SampleStream.TENANT;
    public static final String CERTIFICATE_ID = "beacon-drill";
    /** The desk members' {@code getAllMessages} subscriptions: Alice, Bob and Carol. */
    static final List<String> DESK = List.of("alice", "bob", "carol");
    static final List<String> DESK_SUBSCRIPTIONS = List.of(
            SampleStream.SUB_ALICE,
            SampleStream.SUB_BOB,
            "8c3f2e74-af50-4d9c-9b43-2a6f7e8d9ca3");
    /** How long after the first desk message the others are created (Teams posts them within a second). */
    private static final long[] DESK_DELAYS_MILLIS = {0, 350, 820};
    private static final Instant FIRST_CALL = Instant.parse("2026-11-22T10:00:00Z");

    /** One desk member's copy of a call's notification. */
    public record DeskMessage(String desk, String subscriptionId, String chatId, String messageId,
            long createdAtMillis) {}

    /** One emergency call and what Beacon must make of it. */
    public record Call(int index, String callerUserId, String callerName, String dialed, List<DeskMessage> desk) {

        public long earliestCreatedAtMillis() {
            return desk.stream().mapToLong(DeskMessage::createdAtMillis).min().orElseThrow();
        }

        /** The contract: the id depends on the call alone, not on which desk message arrived first. */
        public String expectedFactId() {
            return FactIds.factId(TENANT, callerUserId, earliestCreatedAtMillis());
        }

        /** The id the job would give if it anchored on this desk message (what a provisional id looks like). */
        public String factIdAnchoredOn(DeskMessage m) {
            return FactIds.factId(TENANT, callerUserId, m.createdAtMillis());
        }

        public String label() {
            return "call " + index + " (caller " + callerUserId.substring(callerUserId.length() - 4) + ", "
                    + desk.size() + " desk messages, earliest " + Instant.ofEpochMilli(earliestCreatedAtMillis())
                    + ")";
        }
    }

    /** What one Kafka record stands for. */
    public enum Kind { DESK_MESSAGE, REDELIVERY, CHATTER }

    /** One record to publish: its value, the partition it must go to, and what it is. */
    public record Delivery(int partition, byte[] value, Kind kind, int callIndex, String what) {}

    /** One round: its calls, what is published before the kill, and what is published after it. */
    public record Round(int number, List<Call> calls, List<Delivery> beforeKill, List<Delivery> afterKill) {
        public List<Delivery> all() {
            List<Delivery> all = new ArrayList<>(beforeKill);
            all.addAll(afterKill);
            return all;
        }
    }

    private final SampleStream notifications;
    private final int partitions;
    private final List<Call> calls = new ArrayList<>();
    private int chatter;

    /** @param notifications builds the records, with the clientState and keys the TaskManagers were given */
    public DrillScenario(SampleStream notifications, int partitions) {
        if (partitions < DESK.size()) {
            throw new IllegalArgumentException("needs at least " + DESK.size() + " partitions, one per desk member");
        }
        this.notifications = notifications;
        this.partitions = partitions;
    }

    /** Every call generated so far. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The next round: {@code callCount} new calls and their deliveries. */
    public Round nextRound(int number, int callCount) {
        List<Call> roundCalls = new ArrayList<>();
        for (int i = 0; i < callCount; i++) {
            Call call = newCall(calls.size());
            calls.add(call);
            roundCalls.add(call);
        }
        List<Delivery> stream = new ArrayList<>();
        List<Delivery> pendingRedeliveries = new ArrayList<>();
        int splitAt = -1;
        for (int i = 0; i < roundCalls.size(); i++) {
            Call call = roundCalls.get(i);
            List<Delivery> originals = originals(call);
            if (i == roundCalls.size() / 2) {
                // The kill falls inside this call: everything but its earliest desk message goes before it.
                splitAt = stream.size() + originals.size() - 1;
            }
            stream.addAll(originals);
            stream.addAll(pendingRedeliveries);
            pendingRedeliveries.clear();
            for (Delivery d : originals) {
                pendingRedeliveries.add(new Delivery((d.partition() + 2) % partitions, d.value(), Kind.REDELIVERY,
                        d.callIndex(), d.what() + ", redelivered"));
            }
            stream.add(chatter());
        }
        stream.addAll(pendingRedeliveries);
        return new Round(number, roundCalls, List.copyOf(stream.subList(0, splitAt)),
                List.copyOf(stream.subList(splitAt, stream.size())));
    }

    private Call newCall(int index) {
        // Every fourth call is a repeat caller: the same person as three calls earlier (30 minutes before).
        int person = index % 4 == 3 ? index - 3 : index;
        String caller = String.format("00000000-0000-4000-8000-%012d", person);
        String name = "Caller " + person;
        long startedAt = FIRST_CALL.plusSeconds(600L * index).toEpochMilli();
        int deskCount = index % 3 == 0 ? 3 : 2;
        List<DeskMessage> desk = new ArrayList<>();
        for (int k = 0; k < deskCount; k++) {
            // Rotate who is notified first, so no desk member's chat is always the earliest.
            int member = (index + k) % DESK.size();
            long createdAt = startedAt + DESK_DELAYS_MILLIS[k];
            String chatId = "19:drill-" + DESK.get(member) + "-call-" + index + "@thread.v2";
            desk.add(new DeskMessage(DESK.get(member), DESK_SUBSCRIPTIONS.get(member), chatId,
                    Long.toString(createdAt), createdAt));
        }
        return new Call(index, caller, name, index % 5 == 4 ? "112" : "911", desk);
    }

    /** A call's first deliveries: latest-created first, each desk message on its own partition. */
    private List<Delivery> originals(Call call) {
        List<DeskMessage> latestFirst = new ArrayList<>(call.desk());
        latestFirst.sort(Comparator.comparingLong(DeskMessage::createdAtMillis).reversed());
        List<Delivery> out = new ArrayList<>();
        for (DeskMessage m : latestFirst) {
            int k = call.desk().indexOf(m);
            byte[] value = utf8(notifications.deskNotification(m.subscriptionId(), m.chatId(), m.messageId(),
                    Instant.ofEpochMilli(m.createdAtMillis()).toString(), call.callerUserId(), call.callerName(),
                    call.dialed(), "Building " + call.index() + ", Floor 2"));
            out.add(new Delivery((call.index() + k) % partitions, value, Kind.DESK_MESSAGE, call.index(),
                    call.label() + ", " + m.desk() + "'s chat, created +" + (m.createdAtMillis()
                            - call.earliestCreatedAtMillis()) + " ms"));
        }
        return out;
    }

    private Delivery chatter() {
        int n = chatter++;
        String chatId = "19:drill-chatter-" + n + "@unq.gbl.spaces";
        String messageId = Long.toString(FIRST_CALL.toEpochMilli() + n);
        byte[] value = utf8(notifications.chatterNotification(DESK_SUBSCRIPTIONS.get(n % DESK.size()), chatId,
                messageId, FIRST_CALL.plusMillis(n).toString(), "Lunch at noon? (" + n + ")"));
        return new Delivery(n % partitions, value, Kind.CHATTER, -1, "chatter " + n);
    }

    private static byte[] utf8(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
