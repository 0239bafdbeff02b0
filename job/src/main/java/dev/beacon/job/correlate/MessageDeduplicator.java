package dev.beacon.job.correlate;

import dev.beacon.job.audit.AuditOutcome;
import dev.beacon.job.audit.AuditTrail;
import dev.beacon.job.detect.EmergencySignal;
import java.time.Duration;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns at-least-once Graph notifications about one chat message (keyed by {@link Keys#message}) into the changes
 * that matter: its first sight, a real content change, its deletion. Redeliveries and reaction-only updates stop
 * here with an audit row. State expires by TTL (no timers), after which a redelivery counts as new again; the
 * correlator then recognises the message on its fact.
 *
 * <p>Messages the control plane fetched (hydration, backfill) are deduplicated like Graph's deliveries: a backfill of a
 * message seen before is a {@code duplicate} (or {@code unchanged}, or an amendment when Graph never delivered the
 * edit), never a second fact. A backfilled message seen by nobody passes as {@link MessageChange.Kind#NEW}; the
 * correlator audits it {@code recovered} once it knows the message is in no open call either.
 */
public class MessageDeduplicator extends KeyedProcessFunction<String, EmergencySignal, MessageChange> {

    public static final Duration DEFAULT_MESSAGE_RETENTION = Duration.ofDays(7);
    public static final String NOT_AN_EMERGENCY_MESSAGE = "not-an-emergency-message";
    /** An out-of-order older version of a message whose newer version was already seen. */
    public static final String OLDER_VERSION = "older-version";

    private final Duration messageRetention;

    private transient ValueState<SeenMessage> seen;
    private transient Counter duplicates;
    private transient Counter unchanged;

    public MessageDeduplicator() {
        this(DEFAULT_MESSAGE_RETENTION);
    }

    public MessageDeduplicator(Duration messageRetention) {
        if (messageRetention == null || messageRetention.isNegative() || messageRetention.isZero()) {
            throw new IllegalArgumentException("messageRetention must be positive: " + messageRetention);
        }
        this.messageRetention = messageRetention;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<SeenMessage> descriptor = new ValueStateDescriptor<>("seen-message", SeenMessage.class);
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(messageRetention)
                .updateTtlOnCreateAndWrite()
                .neverReturnExpired()
                .build());
        seen = getRuntimeContext().getState(descriptor);
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicates");
        unchanged = getRuntimeContext().getMetricGroup().counter("unchanged");
    }

    @Override
    public void processElement(EmergencySignal signal, Context ctx, Collector<MessageChange> out) throws Exception {
        SeenMessage known = seen.value();
        if (!signal.detected()) {
            onBareReference(signal, known, ctx, out);
        } else if (known == null) {
            seen.update(new SeenMessage(signal.contentHash(), signal.lastModifiedAtMillis(), signal.callerUserId(),
                    signal.callerDisplayName(), signal.isDeleted()));
            out.collect(new MessageChange(MessageChange.Kind.NEW, signal));
        } else if (known.deleted) {
            duplicate(signal, ctx);
        } else if (signal.isDeleted()) {
            markDeleted(known);
            out.collect(new MessageChange(MessageChange.Kind.DELETED, toKnownCaller(signal, known)));
        } else if (Objects.equals(known.contentHash, signal.contentHash())) {
            if (EmergencySignal.UPDATED.equals(signal.changeType())) {
                unchanged(signal, null, ctx);
            } else {
                duplicate(signal, ctx);
            }
        } else if (isOlderThan(signal, known)) {
            // Reordered delivery: an edit already overtook this version; applying it would undo the edit.
            unchanged(signal, OLDER_VERSION, ctx);
        } else {
            known.contentHash = signal.contentHash();
            known.lastModifiedAtMillis = Math.max(known.lastModifiedAtMillis, signal.lastModifiedAtMillis());
            seen.update(known);
            out.collect(new MessageChange(MessageChange.Kind.AMENDED, toKnownCaller(signal, known)));
        }
    }

    /** A content-less {@code deleted} notification: it only matters if the message fed a fact. */
    private void onBareReference(EmergencySignal signal, SeenMessage known, Context ctx, Collector<MessageChange> out)
            throws Exception {
        if (known == null) {
            // No state on purpose: deletions of ordinary chat messages are by far the common case.
            audit(signal, AuditOutcome.IGNORED, NOT_AN_EMERGENCY_MESSAGE, ctx);
        } else if (known.deleted) {
            duplicate(signal, ctx);
        } else {
            markDeleted(known);
            out.collect(new MessageChange(MessageChange.Kind.DELETED,
                    signal.withCaller(known.callerUserId, known.callerDisplayName)));
        }
    }

    private void markDeleted(SeenMessage known) throws Exception {
        known.deleted = true;
        seen.update(known);
    }

    /** Changes must reach the caller key the message's fact lives under, whatever the later notification says. */
    private static EmergencySignal toKnownCaller(EmergencySignal signal, SeenMessage known) {
        if (known.callerUserId == null || known.callerUserId.equals(signal.callerUserId())) {
            return signal;
        }
        return signal.withCaller(known.callerUserId, known.callerDisplayName);
    }

    private static boolean isOlderThan(EmergencySignal signal, SeenMessage known) {
        return signal.lastModifiedAtMillis() > 0 && signal.lastModifiedAtMillis() < known.lastModifiedAtMillis;
    }

    private void duplicate(EmergencySignal signal, Context ctx) {
        duplicates.inc();
        audit(signal, AuditOutcome.DUPLICATE, null, ctx);
    }

    private void unchanged(EmergencySignal signal, String reason, Context ctx) {
        unchanged.inc();
        audit(signal, AuditOutcome.UNCHANGED, reason, ctx);
    }

    private static void audit(EmergencySignal signal, AuditOutcome outcome, String reason, Context ctx) {
        ctx.output(AuditTrail.AUDIT,
                AuditTrail.of(signal, outcome, reason, null, ctx.timerService().currentProcessingTime()));
    }
}
