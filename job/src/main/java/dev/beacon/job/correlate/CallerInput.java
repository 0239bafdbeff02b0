package dev.beacon.job.correlate;

import dev.beacon.job.emergencyevents.EmergencyCallEvent;
import dev.beacon.job.reference.ReferenceUpdate;

/**
 * What {@link CallCorrelator} reads, keyed by caller ({@link #key()}, the same string {@link Keys#caller} gives a
 * chat message): exactly one of a deduplicated message change, a Graph emergency call event whose caller was
 * resolved, or the caller's directory entry (a {@link ReferenceUpdate.Kind#DIRECTORY_USER} update or tombstone).
 * A POJO with one field per case (rather than a sealed interface) so that Flink serializes it without Kryo.
 */
public class CallerInput {

    public MessageChange change;
    public EmergencyCallEvent event;
    public ReferenceUpdate directory;

    public CallerInput() {}

    public static CallerInput of(MessageChange change) {
        CallerInput in = new CallerInput();
        in.change = change;
        return in;
    }

    public static CallerInput of(EmergencyCallEvent event) {
        CallerInput in = new CallerInput();
        in.event = event;
        return in;
    }

    /** A directory user (or tombstone); its key is {@code tenant|userId}, the caller key of that user. */
    public static CallerInput of(ReferenceUpdate directory) {
        CallerInput in = new CallerInput();
        in.directory = directory;
        return in;
    }

    /** {@code tenant|callerUserId}: where the inputs of one caller meet. */
    public String key() {
        if (change != null) {
            return Keys.caller(change);
        }
        if (event != null) {
            return Keys.caller(event.tenantId(), event.callerUserId());
        }
        // The directory topic's key is tenant|userId in lower case (ReferenceTopics.directoryKey); Graph's tenant and
        // object ids are lower-case GUIDs, so it equals the chat's caller key. Upserts and tombstones use the same.
        if (directory.key == null && directory.user != null) {
            return Keys.caller(directory.user.tenantId, directory.user.userId);
        }
        return directory.key;
    }

    @Override
    public String toString() {
        return change != null ? "CallerInput{" + change.kind() + "}"
                : event != null ? "CallerInput{" + event.eventType() + "}" : "CallerInput{directory}";
    }
}
