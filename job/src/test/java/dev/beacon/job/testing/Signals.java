package dev.beacon.job.testing;

import dev.beacon.contracts.fetched.Origin;
import dev.beacon.job.detect.EmergencySignal;
import dev.beacon.job.ingest.SourceRef;
import java.time.Instant;

/**
 * Builds {@link EmergencySignal}s for tests: a detected {@code created} emergency message from one caller, with
 * sensible defaults that each test overrides where it matters.
 *
 * <pre>{@code
 * EmergencySignal first = Signals.created("chat-1", "m-1").build();
 * EmergencySignal edit = Signals.updated("chat-1", "m-1").contentHash("hash-2").location("Lobby").build();
 * EmergencySignal gone = Signals.bareDelete("chat-1", "m-1");
 * }</pre>
 */
public final class Signals {

    public static final String TOPIC = "graph-notifications";
    public static final String TENANT = "tenant-a";
    public static final String CALLER = "user-caller-1";
    public static final String CALLER_NAME = "Alex Caller";
    public static final String SUBSCRIPTION = "sub-1";
    public static final String CHANNEL = "graph";
    public static final String DIALED = "911";
    public static final String LOCATION = "Building 4, floor 2";
    public static final String HASH = "hash-1";
    public static final String RULE = "teams-emergency-call";
    /** createdDateTime of the default message. */
    public static final long CREATED_AT = Instant.parse("2025-03-01T10:00:00Z").toEpochMilli();

    private Signals() {}

    /** A detected {@code created} message in chat {@code chat-1}, id {@code m-1}, with all defaults. */
    public static Builder signal() {
        return new Builder();
    }

    public static Builder created(String chatId, String messageId) {
        return new Builder().chat(chatId).message(messageId);
    }

    /** A detected {@code updated} notification, modified one second after creation unless told otherwise. */
    public static Builder updated(String chatId, String messageId) {
        return created(chatId, messageId).changeType(EmergencySignal.UPDATED).lastModifiedAt(CREATED_AT + 1_000);
    }

    /** A detected {@code deleted} notification (the rules still matched its resource data). */
    public static Builder deleted(String chatId, String messageId) {
        return created(chatId, messageId).changeType(EmergencySignal.DELETED);
    }

    /** A content-less {@code deleted} notification: no caller, no fields, {@code detected=false}. */
    public static EmergencySignal bareDelete(String chatId, String messageId) {
        return bareDeleteBuilder(chatId, messageId).build();
    }

    public static Builder bareDeleteBuilder(String chatId, String messageId) {
        return new Builder().chat(chatId).message(messageId).changeType(EmergencySignal.DELETED).detected(false)
                .caller(null, null).dialed(null, false).location(null).createdAt(0).lastModifiedAt(0)
                .contentHash(null).matchedRule(null);
    }

    /** Mutable builder; {@link #build()} may be called repeatedly. */
    public static final class Builder {
        private SourceRef source = new SourceRef(TOPIC, 0, 0, 0, 0);
        private String subscriptionId = SUBSCRIPTION;
        private String changeType = EmergencySignal.CREATED;
        private String tenantId = TENANT;
        private String chatId = "chat-1";
        private String messageId = "m-1";
        private boolean detected = true;
        private String callerUserId = CALLER;
        private String callerDisplayName = CALLER_NAME;
        private String callerTenantId = TENANT;
        private String dialedNumber = DIALED;
        private boolean testCall = false;
        private String locationText = LOCATION;
        private long createdAtMillis = CREATED_AT;
        private boolean createdAtInferred;
        private long lastModifiedAtMillis = CREATED_AT;
        private String contentHash = HASH;
        private String matchedRule = RULE;
        private String channel = CHANNEL;
        private Origin origin;

        private Builder() {}

        public Builder source(SourceRef source) {
            this.source = source;
            return this;
        }

        /** Shorthand for a source at this offset of partition 0 of {@link #TOPIC}. */
        public Builder offset(long offset) {
            this.source = new SourceRef(TOPIC, 0, offset, 0, 0);
            return this;
        }

        public Builder subscriptionId(String subscriptionId) {
            this.subscriptionId = subscriptionId;
            return this;
        }

        public Builder changeType(String changeType) {
            this.changeType = changeType;
            return this;
        }

        public Builder tenant(String tenantId) {
            this.tenantId = tenantId;
            return this;
        }

        public Builder chat(String chatId) {
            this.chatId = chatId;
            return this;
        }

        public Builder message(String messageId) {
            this.messageId = messageId;
            return this;
        }

        public Builder detected(boolean detected) {
            this.detected = detected;
            return this;
        }

        public Builder caller(String userId, String displayName) {
            this.callerUserId = userId;
            this.callerDisplayName = displayName;
            return this;
        }

        public Builder callerTenantId(String callerTenantId) {
            this.callerTenantId = callerTenantId;
            return this;
        }

        public Builder dialed(String number, boolean testCall) {
            this.dialedNumber = number;
            this.testCall = testCall;
            return this;
        }

        public Builder location(String locationText) {
            this.locationText = locationText;
            return this;
        }

        /** Sets createdDateTime, and lastModifiedDateTime to the same instant. */
        public Builder createdAt(long millis) {
            this.createdAtMillis = millis;
            this.lastModifiedAtMillis = millis;
            return this;
        }

        /** Marks the call time as taken from the notification rather than the message's createdDateTime. */
        public Builder createdAtInferred(boolean inferred) {
            this.createdAtInferred = inferred;
            return this;
        }

        public Builder lastModifiedAt(long millis) {
            this.lastModifiedAtMillis = millis;
            return this;
        }

        public Builder contentHash(String contentHash) {
            this.contentHash = contentHash;
            return this;
        }

        public Builder matchedRule(String matchedRule) {
            this.matchedRule = matchedRule;
            return this;
        }

        public Builder channel(String channel) {
            this.channel = channel;
            return this;
        }

        /** A message the control plane fetched (hydration or backfill); null for Graph's own delivery. */
        public Builder origin(Origin origin) {
            this.origin = origin;
            return this;
        }

        public EmergencySignal build() {
            return new EmergencySignal(source, subscriptionId, changeType, tenantId, chatId, messageId, detected,
                    callerUserId, callerDisplayName, callerTenantId, dialedNumber, testCall, locationText,
                    createdAtMillis, createdAtInferred, lastModifiedAtMillis, contentHash, matchedRule, channel,
                    origin);
        }
    }
}
