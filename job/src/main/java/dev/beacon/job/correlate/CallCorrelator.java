package dev.beacon.job.correlate;

import dev.beacon.job.audit.AuditOutcome;
import dev.beacon.job.audit.AuditTrail;
import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.audit.DeadLetterReason;
import dev.beacon.job.detect.EmergencySignal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import dev.beacon.job.emergencyevents.EmergencyCallEvent;
import dev.beacon.job.reference.ReferenceUpdate;
import dev.beacon.job.reference.ReferenceUpdate.DirectoryUser;
import dev.beacon.job.reference.ReferenceUpdate.Site;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Folds everything known about one caller's calls (keyed by {@link Keys#caller}; {@link CallerInput}) into
 * emergency-call facts: the deduplicated chat message changes (Teams notifies every security-desk member in a
 * separate chat, so one call arrives as several messages created within seconds), Graph's emergency call events
 * (caller resolved to the same key), and the caller's directory entry; ops' sites arrive as broadcast state. The
 * decisions are {@link CallerCalls}' (pure, table-tested); this function keeps the caller's open calls, events
 * waiting for their call and directory entry in keyed state, publishes what was decided, audits every message
 * change and call event (directory and site changes are not notifications: counted, not audited) and drops calls
 * after retention.
 *
 * <p>A fact is published on first sight (alerting latency matters) and again with the next revision on every
 * change; sinks keep the highest revision per {@code factId} and apply supersede records.
 *
 * <p>After a recovery, an earlier attempt may already have published ids for messages that are now replayed; a
 * message created before this attempt started is therefore treated as possibly published ({@link #RECOVERY_CLOCK_SKEW}
 * allows for Teams' clock running ahead of ours).
 */
public class CallCorrelator
        extends KeyedBroadcastProcessFunction<String, CallerInput, ReferenceUpdate, EmergencyCallFact>
        implements CheckpointedFunction {

    public static final Duration DEFAULT_CORRELATION_WINDOW = Duration.ofMinutes(5);
    public static final Duration DEFAULT_FACT_RETENTION = Duration.ofHours(24);
    /** Tolerated difference between Teams' createdDateTime clock and this job's clock after a recovery. */
    static final Duration RECOVERY_CLOCK_SKEW = Duration.ofMinutes(15);

    private final long windowMillis;
    private final long retentionMillis;

    /** The caller's open calls by fact id. Name kept since the first release: savepoints restore into it. */
    static final MapStateDescriptor<String, OpenCall> OPEN_CALLS =
            new MapStateDescriptor<>("open-calls", Types.STRING, FactTypes.OPEN_CALL);
    /** callEnded / rosterUpdated events seen before their call ({@link CallEvents}). */
    static final ListStateDescriptor<CallEventRef> PENDING_EVENTS =
            new ListStateDescriptor<>("pending-call-events", FactTypes.EVENT_REF);
    /** The caller's directory entry, if the directory knows the caller. */
    static final ValueStateDescriptor<DirectoryUser> DIRECTORY_USER =
            new ValueStateDescriptor<>("directory-user", CallerTypes.DIRECTORY_USER);

    private transient MapState<String, OpenCall> openCalls;
    private transient ListState<CallEventRef> pendingEvents;
    private transient ValueState<DirectoryUser> directoryUser;
    private transient boolean restored;
    /** Messages created before this instant may have been published by an earlier attempt; MIN_VALUE: none. */
    private transient long possiblyPublishedBefore;
    private transient CorrelatorMetrics metrics;

    public CallCorrelator() {
        this(DEFAULT_CORRELATION_WINDOW, DEFAULT_FACT_RETENTION);
    }

    /**
     * @param correlationWindow a caller's messages created at most this far apart (consecutively) are one call
     * @param factRetention     how long a call stays open for merges, edits and deletions after its last change
     */
    public CallCorrelator(Duration correlationWindow, Duration factRetention) {
        if (correlationWindow == null || correlationWindow.isNegative()) {
            throw new IllegalArgumentException("correlationWindow must not be negative: " + correlationWindow);
        }
        // A fact must outlive the window, or a desk member's late notification would open a second fact.
        if (factRetention == null || factRetention.compareTo(correlationWindow) < 0 || factRetention.isZero()) {
            throw new IllegalArgumentException("factRetention must be positive and at least the correlation window: "
                    + factRetention);
        }
        this.windowMillis = correlationWindow.toMillis();
        this.retentionMillis = factRetention.toMillis();
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        restored = context.isRestored();
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        // Everything lives in keyed state; nothing else to snapshot.
    }

    @Override
    public void open(OpenContext openContext) {
        openCalls = getRuntimeContext().getMapState(OPEN_CALLS);
        pendingEvents = getRuntimeContext().getListState(PENDING_EVENTS);
        directoryUser = getRuntimeContext().getState(DIRECTORY_USER);
        // A restore from a checkpoint or savepoint, or a restart without one: output after the last checkpoint
        // may already be out there.
        boolean recovering = restored || getRuntimeContext().getTaskInfo().getAttemptNumber() > 0;
        possiblyPublishedBefore = recovering
                ? System.currentTimeMillis() + RECOVERY_CLOCK_SKEW.toMillis()
                : Long.MIN_VALUE;
        metrics = new CorrelatorMetrics(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(CallerInput in, ReadOnlyContext ctx, Collector<EmergencyCallFact> out)
            throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        if (in.change != null) {
            processChange(in.change, ctx, out, now);
        } else if (in.event != null) {
            processEvent(in.event, ctx, out, now);
        } else if (in.directory != null) {
            processDirectory(in.directory, ctx, out, now);
        }
    }

    private void processChange(MessageChange change, ReadOnlyContext ctx, Collector<EmergencyCallFact> out,
            long now) throws Exception {
        EmergencySignal s = change.signal();
        String defect = defect(change);
        if (defect != null) {
            // Triage dead-letters these with the notification itself; reaching here is a bug, kept as data.
            metrics.deadLetters.inc();
            ctx.output(AuditTrail.DEAD_LETTERS,
                    new DeadLetter(s.source(), DeadLetterReason.PROCESSING_ERROR, defect, "", false, now));
            ctx.output(AuditTrail.AUDIT, AuditTrail.of(s, AuditOutcome.INVALID,
                    DeadLetterReason.PROCESSING_ERROR.label(), null, now));
            return;
        }
        long possiblyPublishedBefore = this.possiblyPublishedBefore;
        CallerState state = load(ctx);
        CallerCalls.Decision d = state.calls.apply(change, now, createdAt -> createdAt < possiblyPublishedBefore);
        store(state, d, ctx, out, now);
        metrics.count(d, s.createdAtInferred() ? -1 : s.createdAtMillis());
        ctx.output(AuditTrail.AUDIT, AuditTrail.of(s, d.outcome(), d.reason(), d.factId(), now));
    }

    private void processEvent(EmergencyCallEvent e, ReadOnlyContext ctx, Collector<EmergencyCallFact> out, long now)
            throws Exception {
        String defect = CallEventAudit.defect(e);
        if (defect != null) {
            metrics.deadLetters.inc();
            ctx.output(AuditTrail.DEAD_LETTERS,
                    new DeadLetter(e.source(), DeadLetterReason.PROCESSING_ERROR, defect, "", false, now));
            ctx.output(AuditTrail.AUDIT, AuditTrail.of(e, AuditOutcome.INVALID,
                    DeadLetterReason.PROCESSING_ERROR.label(), null, now));
            return;
        }
        long possiblyPublishedBefore = this.possiblyPublishedBefore;
        CallerState state = load(ctx);
        CallerCalls.Decision d = state.calls.apply(e, now, at -> at < possiblyPublishedBefore);
        store(state, d, ctx, out, now);
        if (CallEvents.AWAITING_CALL.equals(d.reason()) && d.outcome() == AuditOutcome.IGNORED) {
            // It waits (CallEvents): dropped a retention from now unless its call comes.
            metrics.awaitingCall.inc();
            ctx.timerService().registerProcessingTimeTimer(now + retentionMillis);
        }
        metrics.count(d, e.eventAtMillis());
        ctx.output(AuditTrail.AUDIT, AuditTrail.of(e, d.outcome(), d.reason(), d.factId(), now));
    }

    /** The caller's directory entry changed: open calls whose fields change get a revision (no audit row). */
    private void processDirectory(ReferenceUpdate u, ReadOnlyContext ctx, Collector<EmergencyCallFact> out,
            long now) throws Exception {
        if (u.kind != ReferenceUpdate.Kind.DIRECTORY_USER) {
            return;
        }
        if (u.user == null) {
            directoryUser.clear();
        } else {
            directoryUser.update(u.user);
        }
        CallerState state = load(ctx);
        publishRefreshed(openCalls, state.calls.directoryChanged(u.user, now), out);
    }

    /**
     * Ops' sites changed: every instance keeps them all (broadcast state), and every open call whose location text
     * now matches another site (or none) gets a revision. Retention is not pushed back (no timers here).
     */
    @Override
    public void processBroadcastElement(ReferenceUpdate u, Context ctx, Collector<EmergencyCallFact> out)
            throws Exception {
        if (u.kind != ReferenceUpdate.Kind.SITE) {
            return;
        }
        BroadcastState<String, Site> sites = ctx.getBroadcastState(CallerTypes.SITES);
        if (u.site == null) {
            sites.remove(u.key);
        } else {
            sites.put(u.key, u.site);
        }
        List<Site> all = new ArrayList<>();
        sites.immutableEntries().forEach(entry -> all.add(entry.getValue()));
        long now = ctx.currentProcessingTime();
        ctx.applyToKeyedState(OPEN_CALLS, (key, calls) -> {
            List<EmergencyCallFact> facts = new ArrayList<>();
            calls.values().forEach(call -> facts.add(call.fact));
            CallerCalls caller = new CallerCalls(windowMillis, facts, new ArrayList<>(), directoryUser.value(), all);
            publishRefreshed(calls, caller.sitesChanged(all, now), out);
        });
    }

    private void publishRefreshed(MapState<String, OpenCall> calls, List<EmergencyCallFact> published,
            Collector<EmergencyCallFact> out) throws Exception {
        for (EmergencyCallFact f : published) {
            OpenCall call = calls.get(f.factId);
            calls.put(f.factId, new OpenCall(f.copy(), call.retainUntilMillis));
            out.collect(f);
            metrics.enriched.inc();
        }
    }

    /** The caller's open calls, waiting events and directory entry, as one {@link CallerCalls}. */
    private record CallerState(Map<String, OpenCall> before, CallerCalls calls, List<CallEventRef> pendingBefore) {}

    private CallerState load(ReadOnlyContext ctx) throws Exception {
        Map<String, OpenCall> before = new HashMap<>();
        List<EmergencyCallFact> calls = new ArrayList<>();
        for (Map.Entry<String, OpenCall> e : openCalls.entries()) {
            before.put(e.getKey(), e.getValue());
            calls.add(e.getValue().fact);
        }
        List<CallEventRef> pending = new ArrayList<>();
        Iterable<CallEventRef> stored = pendingEvents.get();
        if (stored != null) {
            stored.forEach(pending::add);
        }
        List<Site> sites = new ArrayList<>();
        ctx.getBroadcastState(CallerTypes.SITES).immutableEntries().forEach(e -> sites.add(e.getValue()));
        // Deep copies: a redelivery may change a waiting event in place, which must still count as a change.
        return new CallerState(before, new CallerCalls(windowMillis, calls, pending, directoryUser.value(), sites),
                pending.stream().map(CallEventRef::copy).toList());
    }

    /** Writes back what a decision changed and publishes it. */
    private void store(CallerState state, CallerCalls.Decision d, ReadOnlyContext ctx,
            Collector<EmergencyCallFact> out, long now) throws Exception {
        for (String id : d.removedIds()) {
            OpenCall gone = state.before().get(id);
            openCalls.remove(id);
            if (gone != null && !timerStillNeeded(gone.retainUntilMillis, id)) {
                ctx.timerService().deleteProcessingTimeTimer(gone.retainUntilMillis);
            }
        }
        if (!d.published().isEmpty()) {
            OpenCall call = state.before().containsKey(d.live().factId)
                    ? state.before().get(d.live().factId) : new OpenCall();
            call.fact = d.live();
            retain(call, now, ctx);
            openCalls.put(call.fact.factId, call);
        }
        List<CallEventRef> pending = state.calls().pending();
        if (!pending.equals(state.pendingBefore())) {
            if (pending.isEmpty()) {
                pendingEvents.clear();
            } else {
                pendingEvents.update(pending);
            }
        }
        for (EmergencyCallFact record : d.published()) {
            out.collect(record);
            if (record.isSupersede()) {
                metrics.superseded.inc();
            }
        }
    }

    /** What makes a change impossible to correlate; triage guarantees none of these. */
    private static String defect(MessageChange change) {
        EmergencySignal s = change.signal();
        if (s.tenantId() == null || s.callerUserId() == null || s.callerUserId().isBlank()) {
            return "correlator received a change without tenant or caller";
        }
        if (s.chatId() == null || s.messageId() == null) {
            return "correlator received a change without chat or message id";
        }
        if (change.kind() == MessageChange.Kind.NEW && s.createdAtMillis() <= 0) {
            return "correlator received a new message without a call time";
        }
        return null;
    }

    /** Pushes the call's retention back to now + retention, moving its timer. */
    private void retain(OpenCall call, long now, ReadOnlyContext ctx) throws Exception {
        long previous = call.retainUntilMillis;
        long next = now + retentionMillis;
        if (previous == next) {
            return;
        }
        call.retainUntilMillis = next;
        if (previous > 0 && !timerStillNeeded(previous, call.fact.factId)) {
            ctx.timerService().deleteProcessingTimeTimer(previous);
        }
        ctx.timerService().registerProcessingTimeTimer(next);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EmergencyCallFact> out) throws Exception {
        ArrayList<String> expired = new ArrayList<>();
        for (Map.Entry<String, OpenCall> e : openCalls.entries()) {
            if (e.getValue().retainUntilMillis <= timestamp) {
                expired.add(e.getKey());
            }
        }
        for (String factId : expired) {
            openCalls.remove(factId);
        }
        if (openCalls.isEmpty()) {
            openCalls.clear();
        }
        Iterable<CallEventRef> stored = pendingEvents.get();
        if (stored != null) {
            List<CallEventRef> kept = new ArrayList<>();
            stored.forEach(e -> {
                if (e.receivedAtMillis + retentionMillis > timestamp) {
                    kept.add(e);
                }
            });
            if (kept.isEmpty()) {
                pendingEvents.clear();
            } else {
                pendingEvents.update(kept);
            }
        }
    }

    /** Whether a timer at {@code timestamp} is still needed by another call or a waiting event. */
    private boolean timerStillNeeded(long timestamp, String exceptFactId) throws Exception {
        for (Map.Entry<String, OpenCall> e : openCalls.entries()) {
            if (e.getValue().retainUntilMillis == timestamp && !e.getKey().equals(exceptFactId)) {
                return true;
            }
        }
        Iterable<CallEventRef> stored = pendingEvents.get();
        if (stored != null) {
            for (CallEventRef e : stored) {
                if (e.receivedAtMillis + retentionMillis == timestamp) {
                    return true;
                }
            }
        }
        return false;
    }
}
