package dev.beacon.job.correlate;

import java.util.ArrayList;
import java.util.Objects;

/**
 * One emergency call, however many notifications describe it. Each change produces a new {@code revision}; sinks
 * keep the highest. Field names map one-to-one to snake_case in JSON and in the {@code emergency_call} table.
 *
 * <p>A plain POJO with concrete collection types, because it is also kept in keyed state.
 */
public class EmergencyCallFact {
    /** Deterministic from the correlation key (tenant, caller, first message time), so replays give the same id. */
    public String factId;
    public String tenantId;
    public String callerUserId;
    public String callerDisplayName;
    public String dialedNumber;
    public boolean testCall;
    public String locationText;
    /** Earliest {@code createdDateTime} of the call's messages. */
    public long callStartedAtMillis;
    public long detectedAtMillis;
    public long updatedAtMillis;
    /** Distinct chat messages that reported this call. */
    public int notificationCount;
    /** How many of those messages were later deleted. */
    public int deletedCount;
    public int revision;
    /** Distinct delivery channels and subscriptions that reported this call, e.g. {@code graph:<subscriptionId>}. */
    public ArrayList<String> sources = new ArrayList<>();
    public ArrayList<MessageRef> messages = new ArrayList<>();

    public EmergencyCallFact() {}

    /** A deep copy, so an emitted fact never aliases state that later changes. */
    public EmergencyCallFact copy() {
        EmergencyCallFact c = new EmergencyCallFact();
        c.factId = factId;
        c.tenantId = tenantId;
        c.callerUserId = callerUserId;
        c.callerDisplayName = callerDisplayName;
        c.dialedNumber = dialedNumber;
        c.testCall = testCall;
        c.locationText = locationText;
        c.callStartedAtMillis = callStartedAtMillis;
        c.detectedAtMillis = detectedAtMillis;
        c.updatedAtMillis = updatedAtMillis;
        c.notificationCount = notificationCount;
        c.deletedCount = deletedCount;
        c.revision = revision;
        c.sources = new ArrayList<>(sources);
        c.messages = new ArrayList<>(messages.size());
        for (MessageRef m : messages) {
            c.messages.add(m.copy());
        }
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EmergencyCallFact f
                && testCall == f.testCall
                && callStartedAtMillis == f.callStartedAtMillis
                && detectedAtMillis == f.detectedAtMillis
                && updatedAtMillis == f.updatedAtMillis
                && notificationCount == f.notificationCount
                && deletedCount == f.deletedCount
                && revision == f.revision
                && Objects.equals(factId, f.factId)
                && Objects.equals(tenantId, f.tenantId)
                && Objects.equals(callerUserId, f.callerUserId)
                && Objects.equals(callerDisplayName, f.callerDisplayName)
                && Objects.equals(dialedNumber, f.dialedNumber)
                && Objects.equals(locationText, f.locationText)
                && Objects.equals(sources, f.sources)
                && Objects.equals(messages, f.messages);
    }

    @Override
    public int hashCode() {
        return Objects.hash(factId, revision);
    }

    @Override
    public String toString() {
        return "EmergencyCallFact{" + factId + " r" + revision + ", caller=" + callerUserId + ", n="
                + notificationCount + ", dialed=" + dialedNumber + "}";
    }
}
