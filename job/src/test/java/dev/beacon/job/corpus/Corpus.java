package dev.beacon.job.corpus;

import dev.beacon.job.correlate.FactIds;
import dev.beacon.job.ingest.RawRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The hostile corpus as data: every entry is one input record, with the outcome the job must give it. Families
 * ({@code *Family} classes) build their entries as a {@link Table}; {@link #assemble} lays them out on two input
 * partitions and numbers their offsets.
 *
 * <p>An expected outcome is either one outcome for the record as a whole (item index -1: the record could not be
 * decoded) or one outcome per notification item (item index 0, 1, ...). An outcome is an audit outcome
 * ({@code audit:emitted}, ...) or a dead-letter reason ({@code dead:malformed_json}, ...). Where the order in which
 * parallel subtasks deliver is not determined (which desk chat's notification opens a call), an outcome allows
 * several labels.
 */
final class Corpus {

    // Dead-letter reason labels (audit/DeadLetterReason), and the ones being added in parallel.
    static final String OVERSIZED = "oversized";
    static final String MALFORMED_JSON = "malformed_json";
    static final String TOO_DEEPLY_NESTED = "too_deeply_nested";
    static final String UNRECOGNIZED_ENVELOPE = "unrecognized_envelope";
    static final String INVALID_NOTIFICATION = "invalid_notification";
    static final String INVALID_CLOUDEVENT = "invalid_cloudevent";
    static final String CLIENT_STATE_MISMATCH = "client_state_mismatch";
    static final String UNKNOWN_CERTIFICATE = "unknown_certificate";
    static final String HMAC_MISMATCH = "hmac_mismatch";
    static final String DECRYPTION_FAILED = "decryption_failed";
    static final String INVALID_RESOURCE_DATA = "invalid_resource_data";
    static final String DETECTION_FAILED = "detection_failed";
    static final String DETECTION_BUDGET_EXHAUSTED = "detection_budget_exhausted";
    static final String EMERGENCY_WITHOUT_USER_SENDER = "emergency_without_user_sender";
    static final String MISSING_MESSAGE_ID = "missing_message_id";
    static final String MISSING_CALL_TIME = "missing_call_time";
    static final String MISSING_TENANT = "missing_tenant";
    static final String INVALID_FETCHED_MESSAGE = "invalid_fetched_message";
    static final String FETCHED_MESSAGE_SIGNATURE_MISMATCH = "fetched_message_signature_mismatch";

    static final int PARTITIONS = 2;

    /** Builds the record once its position is known (capture-file envelopes carry their position inside). */
    @FunctionalInterface
    interface RecordMaker {
        RawRecord make(String topic, int partition, long offset);
    }

    /** What may come out for one position: any of these labels, exactly once. */
    record Outcome(Set<String> labels) {
        @Override
        public String toString() {
            return labels.size() == 1 ? labels.iterator().next() : "one of " + labels;
        }
    }

    static Outcome audit(String... outcomes) {
        Set<String> labels = new LinkedHashSet<>();
        for (String o : outcomes) {
            labels.add("audit:" + o);
        }
        return new Outcome(Collections.unmodifiableSet(labels));
    }

    static Outcome emitted() {
        return audit("emitted");
    }

    static Outcome merged() {
        return audit("merged");
    }

    /**
     * The first notification of a chat message that belongs to a call: it opens the fact or merges into it. Which
     * desk chat's message reaches the correlator first is up to the parallel subtasks, so either is right.
     */
    static Outcome firstSight() {
        return audit("emitted", "merged");
    }

    static Outcome duplicate() {
        return audit("duplicate");
    }

    static Outcome amended() {
        return audit("amended");
    }

    static Outcome deleted() {
        return audit("deleted");
    }

    /** Found only by backfill: Graph never delivered the message's notification. */
    static Outcome recovered() {
        return audit("recovered");
    }

    static Outcome unchanged() {
        return audit("unchanged");
    }

    static Outcome ignored() {
        return audit("ignored");
    }

    static Outcome validation() {
        return audit("validation");
    }

    static Outcome lifecycle() {
        return audit("lifecycle");
    }

    static Outcome needsHydration() {
        return audit("needs-hydration");
    }

    static Outcome dead(String reason) {
        return new Outcome(Set.of("dead:" + reason));
    }

    /** The outcomes of one record: for the record as a whole, or one per notification item. */
    record Shape(boolean wholeRecord, List<Outcome> outcomes) {
        /** Item index of each outcome's position. */
        int itemIndex(int i) {
            return wholeRecord ? -1 : i;
        }

        @Override
        public String toString() {
            return wholeRecord ? "record " + outcomes.get(0) : "items " + outcomes;
        }
    }

    /** What may become of one record: one shape, or (rarely) any of a few, where the standards leave it open. */
    record Expected(List<Shape> shapes) {
        @Override
        public String toString() {
            return shapes.size() == 1 ? shapes.get(0).toString() : "one of " + shapes;
        }
    }

    /** The record as a whole: it could not be decoded into notifications. */
    static Expected whole(Outcome outcome) {
        return new Expected(List.of(new Shape(true, List.of(outcome))));
    }

    /** One outcome per notification item, in order. */
    static Expected items(Outcome... perItem) {
        return new Expected(List.of(new Shape(false, List.of(perItem))));
    }

    static Expected items(List<Outcome> perItem) {
        return new Expected(List.of(new Shape(false, List.copyOf(perItem))));
    }

    /**
     * Either outcome is right. Only for input whose handling the standards leave open, e.g. lone surrogate
     * escapes: RFC 8259 section 8.2 calls the behaviour of receivers "unpredictable", so rejecting the record
     * (malformed) and processing it are both correct; anything else is not.
     */
    static Expected either(Expected a, Expected b) {
        List<Shape> shapes = new ArrayList<>(a.shapes());
        shapes.addAll(b.shapes());
        return new Expected(List.copyOf(shapes));
    }

    /** A call that must survive as exactly one final fact. */
    record ExpectedCall(String name, String tenantId, String callerUserId, long firstCreatedAtMillis,
            int notificationCount, int deletedCount, String dialedNumber, boolean testCall) {

        static ExpectedCall of(String name, String tenantId, String callerUserId, String firstCreatedIso,
                int notificationCount, int deletedCount, String dialedNumber, boolean testCall) {
            return new ExpectedCall(name, tenantId, callerUserId, Instant.parse(firstCreatedIso).toEpochMilli(),
                    notificationCount, deletedCount, dialedNumber, testCall);
        }

        /** The contract: the final fact id is derived from the earliest createdDateTime of the call's messages. */
        String factId() {
            return FactIds.factId(tenantId, callerUserId, firstCreatedAtMillis);
        }
    }

    /** One corpus entry: one record and what must become of it. */
    record Entry(String family, String name, int partition, RecordMaker maker, Expected expected) {}

    /** An entry placed on the input: its record, at its position. */
    record Placed(Entry entry, RawRecord record) {
        String position() {
            return position(record.topic(), record.partition(), record.offset());
        }

        static String position(String source, int partition, long offset) {
            return source + "/" + partition + "@" + offset;
        }
    }

    /** Rows of one family, in the order they are delivered within their partition. */
    static final class Table {
        final String family;
        final List<Entry> entries = new ArrayList<>();
        final List<ExpectedCall> calls = new ArrayList<>();
        private int partition;

        Table(String family, int partition) {
            this.family = family;
            this.partition = partition;
        }

        /** Rows added from now on go to this input partition. */
        Table partition(int p) {
            if (p < 0 || p >= PARTITIONS) {
                throw new IllegalArgumentException("partition " + p);
            }
            this.partition = p;
            return this;
        }

        Table row(String name, RecordMaker record, Expected expected) {
            entries.add(new Entry(family, name, partition, record, expected));
            return this;
        }

        Table call(ExpectedCall call) {
            calls.add(call);
            return this;
        }
    }

    final List<Placed> placed;
    final List<ExpectedCall> calls;
    final List<String> chatterSentinels;
    final List<String> secrets;
    final Map<String, Integer> entriesPerFamily;

    private Corpus(List<Placed> placed, List<ExpectedCall> calls, List<String> chatterSentinels, List<String> secrets,
            Map<String, Integer> entriesPerFamily) {
        this.placed = placed;
        this.calls = calls;
        this.chatterSentinels = chatterSentinels;
        this.secrets = secrets;
        this.entriesPerFamily = entriesPerFamily;
    }

    /** Places every family's rows on their partitions, in order, with consecutive offsets per partition. */
    static Corpus assemble(CorpusKit kit, List<Table> families) {
        long[] nextOffset = new long[PARTITIONS];
        List<Placed> placed = new ArrayList<>();
        List<ExpectedCall> calls = new ArrayList<>();
        Map<String, Integer> perFamily = new LinkedHashMap<>();
        for (Table t : families) {
            perFamily.merge(t.family, t.entries.size(), Integer::sum);
            calls.addAll(t.calls);
            for (Entry e : t.entries) {
                long offset = nextOffset[e.partition()]++;
                RawRecord r = e.maker().make(CorpusKit.TOPIC, e.partition(), offset);
                if (!CorpusKit.TOPIC.equals(r.topic()) || r.partition() != e.partition() || r.offset() != offset) {
                    throw new IllegalStateException(e.family() + "/" + e.name() + " was placed at "
                            + r.topic() + "/" + r.partition() + "@" + r.offset() + ", not at its position");
                }
                placed.add(new Placed(e, r));
            }
        }
        return new Corpus(placed, calls, List.copyOf(kit.sentinels), List.of(kit.secret, kit.previousSecret),
                perFamily);
    }

    /** The records of each partition, in delivery order. */
    List<List<RawRecord>> partitions() {
        List<List<RawRecord>> out = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            out.add(new ArrayList<>());
        }
        for (Placed p : placed) {
            out.get(p.record().partition()).add(p.record());
        }
        return out;
    }

    int size() {
        return placed.size();
    }
}
