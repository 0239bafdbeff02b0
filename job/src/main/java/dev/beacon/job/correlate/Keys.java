package dev.beacon.job.correlate;

import dev.beacon.job.detect.EmergencySignal;

/**
 * The keys the correlation stages partition by. Plain strings rather than tuples because string keys hash and
 * serialize fastest. Graph ids (tenant GUIDs, {@code 19:...@thread.v2} chat ids, numeric message ids, user GUIDs)
 * never contain {@code |}, so the joined form is unambiguous.
 */
public final class Keys {

    private Keys() {}

    /** One chat message: a message id is unique only within its chat, and a chat only within its tenant. */
    public static String message(EmergencySignal s) {
        return s.tenantId() + "|" + s.chatId() + "|" + s.messageId();
    }

    /** One caller, under which the notifications of one emergency call (one per desk member's chat) meet. */
    public static String caller(EmergencySignal s) {
        return caller(s.tenantId(), s.callerUserId());
    }

    /** The caller key of a tenant and user object id (a resolved emergency call event, a directory user). */
    public static String caller(String tenantId, String callerUserId) {
        return tenantId + "|" + callerUserId;
    }

    /** {@link #caller(EmergencySignal)} of a deduplicated change, for keying the correlator's input. */
    public static String caller(MessageChange change) {
        return caller(change.signal());
    }
}
