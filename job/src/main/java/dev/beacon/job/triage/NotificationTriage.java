package dev.beacon.job.triage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.contracts.crypto.DataKeyCache;
import dev.beacon.contracts.fetched.FetchedMessage;
import dev.beacon.contracts.fetched.Origin;
import dev.beacon.job.audit.AuditOutcome;
import dev.beacon.job.audit.AuditRecord;
import dev.beacon.job.audit.AuditTrail;
import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.audit.DeadLetterReason;
import dev.beacon.job.decode.ChangeNotification;
import dev.beacon.job.decode.DecodeResult;
import dev.beacon.job.decode.DecodedItem;
import dev.beacon.job.decode.JsonRejectedException;
import dev.beacon.job.decode.NotificationDecoder;
import dev.beacon.job.detect.Detection;
import dev.beacon.job.detect.EmergencyDetector;
import dev.beacon.job.detect.EmergencySignal;
import dev.beacon.job.emergencyevents.EmergencyCallEventParser;
import dev.beacon.job.ingest.RawRecord;
import dev.beacon.job.ingest.SourceRef;
import dev.beacon.job.securitylines.IncomingCallReader;
import dev.beacon.job.sink.JobClassLoaderRelease;
import dev.beacon.job.verify.ClientStateVerifier;
import dev.beacon.job.verify.CryptoProviders;
import dev.beacon.job.verify.FetchSigningKeys;
import dev.beacon.job.verify.RichNotificationDecryptor;
import dev.beacon.job.verify.RichNotificationException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The first stage: decides the fate of every notification in a record, in this order (cheapest and safest first):
 *
 * <ol>
 *   <li>decode the record once (Graph collection or CloudEvents); broken records and items become dead letters;
 *   <li>skip subscription validation records;
 *   <li>check {@code clientState} in constant time, before any expensive or risky work;
 *   <li>forward lifecycle notifications to the control plane;
 *   <li>send notifications without resource data to be hydrated, except deletions, which need no content;
 *   <li>verify the HMAC, then decrypt, then run the detection rules;
 *   <li>emit an {@link EmergencySignal} for matches (and bare references for deletions); drop everything else after
 *       counting it, keeping no content.
 * </ol>
 *
 * Two other feeds share the record stream. A Graph <em>emergency call event</em> (resource
 * {@code communications/calls/getEmergencyEventsByPolicy(...)} or {@code @odata.type} emergencyCallEvent) passes the
 * same clientState, HMAC and decryption checks and is parsed into an {@code EmergencyCallEvent} on
 * {@link TriageOutputs#EMERGENCY_CALL_EVENTS}, never through the chat-message detector (which used to call it "not an
 * emergency"). An Azure Communication Services {@code IncomingCall} (Event Grid or CloudEvents schema) goes to
 * {@link TriageOutputs#INCOMING_CALLS}; other Azure event types are audited {@code ignored} with their type. A Graph
 * notification about any other resource type is a dead letter ({@code unsupported_resource}).
 *
 * A message the control plane fetched from Graph (hydration or backfill) takes the same path from step 6 on, once
 * its signature matched a configured fetch-signing key; its signal carries the fetch's origin.
 *
 * Only a detection that concluded "not an emergency" is dropped as {@code ignored}. A detection that failed, and a
 * match that correlation could not use (no user caller, no message id, no tenant, no call time), is a dead letter
 * with its own reason, so that nothing that might be an emergency disappears silently.
 *
 * Every notification ends up in exactly one place, with one audit row. Nothing thrown while processing a record
 * stops the job; a configuration error found in {@code open()} does, for good.
 */
public class NotificationTriage extends ProcessFunction<RawRecord, EmergencySignal> {

    private final TriageSettings settings;

    private transient NotificationDecoder decoder;
    private transient ClientStateVerifier clientStates;
    private transient RichNotificationDecryptor decryptor;
    private transient EmergencyDetector detector;
    private transient FetchSigningKeys fetchSigningKeys;
    private transient TriageMetrics metrics;

    public NotificationTriage(TriageSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        // A configuration error stops the job for good (no restart loop), logged once naming the setting.
        TriageResources resources = TriageResources.loadOrStopJob(settings, getRuntimeContext().getJobInfo().getJobId());
        // Triage runs in every slot of the job: from here, the TaskManager can collect the job's classes after it.
        JobClassLoaderRelease.register(getRuntimeContext());
        clientStates = resources.clientStates();
        decoder = new NotificationDecoder(settings.limits(), resources.scrubber());
        decryptor = new RichNotificationDecryptor(resources.keys(),
                CryptoProviders.forThisJvm(settings.nativeCrypto()), new DataKeyCache(settings.dataKeyCacheSize()));
        fetchSigningKeys = resources.fetchSigningKeys();
        detector = new EmergencyDetector(resources.rules());
        metrics = new TriageMetrics(getRuntimeContext().getMetricGroup());
        metrics.decryption(getRuntimeContext().getMetricGroup(), decryptor);
        // Rules that back-track too much count as "no match" instead of stalling the pipeline; make that visible.
        EmergencyDetector d = detector;
        getRuntimeContext().getMetricGroup().gauge("detectionPatternsGivenUp", d::patternsGivenUp);
        getRuntimeContext().getMetricGroup().gauge("detectionFailures", d::unexpectedFailures);
    }

    @Override
    public void close() throws Exception {
        if (decryptor != null) {
            decryptor.cache().clear();
        }
        super.close();
    }

    @Override
    public void processElement(RawRecord record, Context ctx, Collector<EmergencySignal> out) {
        metrics.recordsIn.inc();
        DecodeResult decoded = decoder.decode(record);
        if (decoded.failed()) {
            deadLetter(ctx, null, decoded.failureDeadLetter(now(ctx)));
            return;
        }
        for (DecodedItem item : decoded.items()) {
            metrics.notificationsIn.inc();
            if (item instanceof DecodedItem.Invalid bad) {
                deadLetter(ctx, null, bad.toDeadLetter(now(ctx)));
            } else if (item instanceof DecodedItem.Ok ok) {
                try {
                    triage(ok.notification(), ctx, out);
                } catch (RuntimeException bug) {
                    // A defect must not stop the job; the notification is kept as a dead letter for a rerun.
                    invalid(ctx, ok.notification(), DeadLetterReason.PROCESSING_ERROR, bug.getClass().getSimpleName());
                }
            } else if (item instanceof DecodedItem.AzureEvent event) {
                try {
                    triageAzureEvent(event, ctx);
                } catch (RuntimeException bug) {
                    deadLetter(ctx, null, decoder.deadLetter(event, DeadLetterReason.PROCESSING_ERROR,
                            bug.getClass().getSimpleName(), now(ctx)));
                }
            } else if (item instanceof DecodedItem.Fetched fetched) {
                try {
                    triageFetched(fetched, ctx, out);
                } catch (RuntimeException bug) {
                    invalid(ctx, fetched.notification(), DeadLetterReason.PROCESSING_ERROR,
                            bug.getClass().getSimpleName());
                }
            }
        }
    }

    private void triage(ChangeNotification n, Context ctx, Collector<EmergencySignal> out) {
        long now = now(ctx);
        if (n.isValidation()) {
            metrics.validationSkipped.inc();
            audit(ctx, n, AuditOutcome.VALIDATION, null, now);
            return;
        }
        if (!clientStates.isAccepted(n.clientState())) {
            invalid(ctx, n, DeadLetterReason.CLIENT_STATE_MISMATCH, "clientState does not match any configured secret");
            return;
        }
        if (n.isLifecycle()) {
            metrics.lifecycleForwarded.inc();
            ctx.output(TriageOutputs.LIFECYCLE, new LifecycleNotice(
                    n.source(), n.subscriptionId(), n.tenantId(), n.lifecycleEvent(), withoutClientState(n.node())));
            audit(ctx, n, AuditOutcome.LIFECYCLE, n.lifecycleEvent(), now);
            return;
        }
        if (EmergencyCallEventParser.isEmergencyCallEvent(n.resource(), n.odataType())) {
            triageEmergencyCallEvent(n, ctx);
            return;
        }
        String unsupported = unsupportedResource(n);
        if (unsupported != null) {
            invalid(ctx, n, DeadLetterReason.UNSUPPORTED_RESOURCE, unsupported);
            return;
        }
        if (!n.hasResourceData()) {
            if (EmergencySignal.DELETED.equals(n.changeType())) {
                emit(ctx, n, EmergencySignals.bareDeletion(n, null), out);
                return;
            }
            metrics.needsHydration.inc();
            ctx.output(TriageOutputs.NEEDS_HYDRATION, new HydrationRequest(n.source(), n.subscriptionId(),
                    n.tenantId(), n.changeType(), n.resource(), n.chatId(), n.messageId()));
            audit(ctx, n, AuditOutcome.NEEDS_HYDRATION, "no resource data", now);
            return;
        }
        judge(n, null, null, ctx, out);
    }

    /**
     * A Graph emergency call event: authenticated like a chat message's rich notification (clientState above, then
     * HMAC and decryption), then parsed into an {@code EmergencyCallEvent} for correlation. It has no audit row
     * here: correlation writes it, as for chat signals. Anything unusable is a dead letter holding the notification
     * as received (content still encrypted); nothing decrypted is logged or kept.
     */
    private void triageEmergencyCallEvent(ChangeNotification n, Context ctx) {
        if (!n.hasResourceData()) {
            // Graph sends these as rich notifications only, and they cannot be fetched afterwards.
            invalid(ctx, n, DeadLetterReason.EMERGENCY_CALL_EVENT_WITHOUT_CONTENT,
                    "emergency call event notification without encryptedContent");
            return;
        }
        JsonNode resource;
        try {
            resource = decoder.parseJsonObject(decryptor.decrypt(n.encryptedContent()));
        } catch (RichNotificationException e) {
            metrics.decryptFailures.inc();
            invalid(ctx, n, e.reason(), e.detail());
            return;
        } catch (JsonRejectedException e) {
            invalid(ctx, n, DeadLetterReason.INVALID_EMERGENCY_CALL_EVENT,
                    "decrypted resource is not a JSON object: " + e.getMessage());
            return;
        }
        EmergencyCallEventParser.Result parsed = EmergencyCallEventParser.parse(resource,
                new EmergencyCallEventParser.Envelope(n.source(), n.subscriptionId(), n.tenantId()));
        if (parsed instanceof EmergencyCallEventParser.Parsed ok) {
            metrics.emergencyCallEvents.inc();
            ctx.output(TriageOutputs.EMERGENCY_CALL_EVENTS, ok.event());
        } else if (parsed instanceof EmergencyCallEventParser.Rejected rejected) {
            invalid(ctx, n, rejected.reason(), rejected.detail());
        }
    }

    /**
     * Why a notification is about a resource Beacon cannot judge: its path names no chat, channel or message, and its
     * {@code @odata.type} is not a chat message (or absent); null when Beacon can. Such a notification is kept as a
     * dead letter rather than judged as a chat message and dropped as "not an emergency" (or sent to be hydrated as
     * one).
     */
    private static String unsupportedResource(ChangeNotification n) {
        if (n.chatId() != null || n.messageId() != null) {
            return null;
        }
        String type = n.odataType();
        if (type == null) {
            return "resource " + quoted(n.resource()) + " is neither a chat message nor an emergency call event";
        }
        if (type.toLowerCase(java.util.Locale.ROOT).endsWith("chatmessage")) {
            return null;
        }
        return "resource of type " + quoted(type) + " is neither a chat message nor an emergency call event";
    }

    /**
     * An Azure event that is not a Graph notification: an ACS {@code IncomingCall} goes to the security-line stage
     * (which writes its audit row); any other type is audited {@code ignored} with its type, and counted.
     */
    private void triageAzureEvent(DecodedItem.AzureEvent event, Context ctx) {
        long now = now(ctx);
        if (!IncomingCallReader.EVENT_TYPE.equalsIgnoreCase(event.type())) {
            metrics.azureEventsIgnored.inc();
            ctx.output(AuditTrail.AUDIT, AuditTrail.ofEvent(event.source(), null, null, quotedType(event), event.id(),
                    AuditOutcome.IGNORED, "event type " + quoted(event.type()) + " is not handled", null, now));
            return;
        }
        IncomingCallReader.Result read = IncomingCallReader.read(event.source(), event.id(), event.resource(),
                event.timeMillis(), event.data());
        if (read instanceof IncomingCallReader.Read ok) {
            metrics.incomingCalls.inc();
            ctx.output(TriageOutputs.INCOMING_CALLS, ok.call());
        } else if (read instanceof IncomingCallReader.Rejected rejected) {
            DeadLetter letter = decoder.deadLetter(event, rejected.reason(), rejected.detail(), now);
            metrics.deadLetter(letter.reason());
            ctx.output(AuditTrail.DEAD_LETTERS, letter);
            ctx.output(AuditTrail.AUDIT, AuditTrail.ofEvent(event.source(), null, null, quotedType(event), event.id(),
                    AuditOutcome.INVALID, letter.reason().label(), null, now));
        }
    }

    private static String quotedType(DecodedItem.AzureEvent event) {
        return event.type().length() <= 100 ? event.type() : event.type().substring(0, 100);
    }

    /** A non-secret value for a detail: quoted, cut to 80 characters (control characters were rejected earlier). */
    private static String quoted(String value) {
        return "\"" + (value.length() <= 80 ? value : value.substring(0, 80) + "...") + "\"";
    }

    /**
     * A message the control plane fetched from Graph. It is believed only with a valid signature (the job holds no
     * Graph credential, and anyone who can write to the topic could otherwise inject an emergency), then judged
     * exactly like a rich {@code created} notification of that message.
     */
    private void triageFetched(DecodedItem.Fetched fetched, Context ctx, Collector<EmergencySignal> out) {
        ChangeNotification n = fetched.notification();
        metrics.fetchedMessagesIn.inc();
        if (!fetchSigningKeys.isConfigured()) {
            invalid(ctx, n, DeadLetterReason.FETCHED_MESSAGE_UNVERIFIABLE,
                    "no fetch-signing keys are configured (auth.fetch-signing-key-file)");
            return;
        }
        if (!fetchSigningKeys.verify(fetched.message())) {
            invalid(ctx, n, DeadLetterReason.FETCHED_MESSAGE_SIGNATURE_MISMATCH,
                    "signature matches none of the " + fetchSigningKeys.size() + " configured fetch-signing keys");
            return;
        }
        judge(n, fetched.message(), fetched.message().origin(), ctx, out);
    }

    /**
     * Decrypts, parses and runs detection on rich content, and sends the result on.
     *
     * @param fetched the fetched message {@code n} stands for, or null for Graph's own notification
     * @param origin  carried on the signal: why the control plane fetched it; null for Graph's notifications
     */
    private void judge(ChangeNotification n, FetchedMessage fetched, Origin origin, Context ctx,
            Collector<EmergencySignal> out) {
        JsonNode message;
        try {
            message = decoder.parseJsonObject(decryptor.decrypt(n.encryptedContent()));
        } catch (RichNotificationException e) {
            metrics.decryptFailures.inc();
            invalid(ctx, n, e.reason(), e.detail());
            return;
        } catch (JsonRejectedException e) {
            invalid(ctx, n, DeadLetterReason.INVALID_RESOURCE_DATA, "decrypted resource is not a JSON object");
            return;
        }
        String mismatch = fetched == null ? null : FetchedContent.mismatch(fetched, message);
        if (mismatch != null) {
            invalid(ctx, n, DeadLetterReason.INVALID_FETCHED_MESSAGE, mismatch);
            return;
        }
        Detection d = detector.detect(message, n.chatId());
        switch (d.kind()) {
            case EMERGENCY -> {
                metrics.emergencyMatches.inc();
                emit(ctx, n, EmergencySignals.emergency(n, d, message), origin, out);
            }
            case FAILED -> invalid(ctx, n, DeadLetterReason.of(d.failure().cause()), d.failure().detail());
            case DELETED -> emit(ctx, n, EmergencySignals.bareDeletion(n, message), origin, out);
            case NOT_EMERGENCY -> {
                if (EmergencySignal.DELETED.equals(n.changeType())) {
                    emit(ctx, n, EmergencySignals.bareDeletion(n, message), origin, out);
                } else {
                    metrics.ignored.inc();
                    audit(ctx, n, AuditOutcome.IGNORED, "not an emergency", now(ctx));
                }
            }
        }
    }

    /** The signal goes on to correlation; a notification it could not be built from becomes a dead letter. */
    private void emit(Context ctx, ChangeNotification n, EmergencySignals.Outcome outcome,
            Collector<EmergencySignal> out) {
        emit(ctx, n, outcome, null, out);
    }

    private void emit(Context ctx, ChangeNotification n, EmergencySignals.Outcome outcome, Origin origin,
            Collector<EmergencySignal> out) {
        if (outcome instanceof EmergencySignals.Accepted accepted) {
            out.collect(origin == null ? accepted.signal() : accepted.signal().withOrigin(origin));
        } else if (outcome instanceof EmergencySignals.Rejected rejected) {
            invalid(ctx, n, rejected.reason(), rejected.detail());
        }
    }

    /** A notification that failed after decoding: dead letter (clientState redacted by the decoder) and audit row. */
    private void invalid(Context ctx, ChangeNotification n, DeadLetterReason reason, String detail) {
        deadLetter(ctx, n, decoder.deadLetter(n, reason, detail, now(ctx)));
    }

    private void deadLetter(Context ctx, ChangeNotification n, DeadLetter letter) {
        metrics.deadLetter(letter.reason());
        ctx.output(AuditTrail.DEAD_LETTERS, letter);
        SourceRef source = letter.source();
        ctx.output(AuditTrail.AUDIT, new AuditRecord(source,
                n == null ? null : n.tenantId(), n == null ? null : n.subscriptionId(),
                n == null ? null : n.changeType(), n == null ? null : n.chatId(), n == null ? null : n.messageId(),
                AuditOutcome.INVALID, letter.reason().label(), null, letter.failedAtMillis(),
                AuditTrail.latency(source, letter.failedAtMillis())));
    }

    private static long now(Context ctx) {
        return ctx.timerService().currentProcessingTime();
    }

    private static void audit(Context ctx, ChangeNotification n, AuditOutcome outcome, String reason, long now) {
        ctx.output(AuditTrail.AUDIT, new AuditRecord(n.source(), n.tenantId(), n.subscriptionId(), n.changeType(),
                n.chatId(), n.messageId(), outcome, reason, null, now, AuditTrail.latency(n.source(), now)));
    }

    private String withoutClientState(JsonNode node) {
        return node == null ? "{}" : decoder.withoutSecrets(node);
    }
}
