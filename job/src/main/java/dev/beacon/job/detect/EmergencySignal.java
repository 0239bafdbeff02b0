package dev.beacon.job.detect;

import dev.beacon.contracts.fetched.Origin;
import dev.beacon.job.ingest.SourceRef;

/**
 * An authenticated notification about a chat message that matters to emergency correlation. Triage emits it for
 * every message the detection rules match, and for content-less {@code deleted} notifications (which cannot be
 * matched but may delete a message that fed a fact). It carries extracted fields only, never the chat content.
 *
 * <p>Triage emits no signal without a tenant, a chat id and a message id, and no detected signal without a caller
 * and a call time: such notifications are dead letters (see {@code triage/EmergencySignals}).
 *
 * @param detected         true when the rules matched; false for a bare {@code deleted} reference
 * @param changeType       {@code created}, {@code updated} or {@code deleted}
 * @param tenantId         the notification's tenant (see {@code ChangeNotification#tenantId}), else the sender's
 * @param callerUserId     {@code from.user.id} of the message; null on a bare deleted reference
 * @param createdAtMillis  the message's {@code createdDateTime}; when the message has none (or an unparseable one),
 *                         a time taken deterministically from the notification (the CloudEvent's {@code time}, else
 *                         the record timestamp), so replays give the same call time; 0 only on a bare deleted
 *                         reference
 * @param createdAtInferred true when {@code createdAtMillis} did not come from the message's {@code createdDateTime}
 * @param contentHash      a digest of the fields that define the message's meaning (body, sender, importance,
 *                         attachments), so that reactions or read state do not count as a change
 * @param matchedRule      the name of the rule that matched, for the audit trail
 * @param channel          how it arrived: {@code graph}, {@code cloudevents} or {@code fetched}
 * @param origin           why the control plane fetched the message ({@code hydration} or {@code backfill}); null
 *                         for Graph's own deliveries. A backfilled message nobody has seen is one Graph never
 *                         delivered (audited {@code recovered})
 */
public record EmergencySignal(
        SourceRef source,
        String subscriptionId,
        String changeType,
        String tenantId,
        String chatId,
        String messageId,
        boolean detected,
        String callerUserId,
        String callerDisplayName,
        String callerTenantId,
        String dialedNumber,
        boolean testCall,
        String locationText,
        long createdAtMillis,
        boolean createdAtInferred,
        long lastModifiedAtMillis,
        String contentHash,
        String matchedRule,
        String channel,
        Origin origin) {

    public static final String CREATED = "created";
    public static final String UPDATED = "updated";
    public static final String DELETED = "deleted";

    public boolean isDeleted() {
        return DELETED.equals(changeType);
    }

    /** The same signal with the caller filled in from state (a bare deleted reference knows no caller). */
    public EmergencySignal withCaller(String userId, String displayName) {
        return new EmergencySignal(source, subscriptionId, changeType, tenantId, chatId, messageId, detected, userId,
                displayName, callerTenantId, dialedNumber, testCall, locationText, createdAtMillis,
                createdAtInferred, lastModifiedAtMillis, contentHash, matchedRule, channel, origin);
    }

    /** The same signal, of a message the control plane fetched for {@code why}. */
    public EmergencySignal withOrigin(Origin why) {
        return new EmergencySignal(source, subscriptionId, changeType, tenantId, chatId, messageId, detected,
                callerUserId, callerDisplayName, callerTenantId, dialedNumber, testCall, locationText, createdAtMillis,
                createdAtInferred, lastModifiedAtMillis, contentHash, matchedRule, channel, why);
    }

    /** Whether the control plane's backfill found it (not Graph's delivery, not a hydration). */
    public boolean isBackfill() {
        return origin == Origin.BACKFILL;
    }
}
