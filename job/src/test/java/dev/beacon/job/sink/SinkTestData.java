package dev.beacon.job.sink;

import dev.beacon.job.audit.AuditOutcome;
import dev.beacon.job.audit.AuditRecord;
import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.audit.DeadLetterReason;
import dev.beacon.job.correlate.EmergencyCallFact;
import dev.beacon.job.correlate.MessageRef;
import dev.beacon.job.correlate.StructuredLocation;
import dev.beacon.job.ingest.SourceRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Facts, audit rows and dead letters with fixed, recognisable values for the sink tests. */
final class SinkTestData {

    static final String FACT_A = "6f1c2a9e-4b7d-5c3e-9a1f-2d8e7b6c5a41";
    static final String FACT_B = "0b9e8d7c-6a5f-5e4d-8c3b-1a2f3e4d5c6b";
    static final long CALL_STARTED = Instant.parse("2024-05-01T10:15:30.250Z").toEpochMilli();
    static final long DETECTED = Instant.parse("2024-05-01T10:15:31Z").toEpochMilli();

    private SinkTestData() {}

    /**
     * Fact {@code id} at {@code revision}: revision r has r notifications from r chat messages, was updated r
     * seconds after detection, and from revision 2 on has its first message deleted and a second source.
     */
    static EmergencyCallFact fact(String id, int revision, long callStarted) {
        EmergencyCallFact f = new EmergencyCallFact();
        f.factId = id;
        f.tenantId = "tenant-1";
        f.callerUserId = "user-" + id.substring(0, 4);
        f.callerDisplayName = "Ada Lovelace";
        f.dialedNumber = "911";
        f.testCall = false;
        f.locationText = "Building 4, floor 2";
        f.callStartedAtMillis = callStarted;
        f.detectedAtMillis = DETECTED;
        f.updatedAtMillis = DETECTED + revision * 1000L;
        f.notificationCount = revision;
        f.deletedCount = revision >= 2 ? 1 : 0;
        f.revision = revision;
        f.sources = new ArrayList<>(revision >= 2 ? List.of("graph:sub-1", "graph:sub-2") : List.of("graph:sub-1"));
        f.messages = new ArrayList<>();
        for (int i = 1; i <= revision; i++) {
            MessageRef m = new MessageRef("chat-" + i, "msg-" + i, "sub-" + Math.min(i, 2), callStarted + i, null);
            m.deleted = revision >= 2 && i == 1;
            f.messages.add(m);
        }
        return f;
    }

    /**
     * {@link #fact} with every issue-10 field set: caller directory data, the emergency call event's policy, a
     * structured location from a site, the end of the call, and the security-line fields (set here too, so one
     * fact exercises every column).
     */
    static EmergencyCallFact fullFact(String id, int revision, long callStarted) {
        EmergencyCallFact f = fact(id, revision, callStarted);
        f.kind = EmergencyCallFact.KIND_SECURITY_LINE;
        f.callerUpn = "ada@contoso.example";
        f.callerPhoneNumber = "+15550123";
        f.callerDepartment = "Engineering";
        f.callerJobTitle = "Analyst";
        f.callerOfficeLocation = "B4-201";
        f.policyName = "Emergency-Redmond";
        f.location = site();
        f.endedAtMillis = callStarted + 95_750;
        f.durationSeconds = 95;
        f.calledLine = "4:+15550100";
        f.calledLineName = "Campus security";
        f.correlationId = "corr-1";
        f.serverCallId = "server-call-1";
        return f;
    }

    /** The structured location of site {@code b4} (building 4, floor 2). */
    static StructuredLocation site() {
        StructuredLocation l = new StructuredLocation();
        l.source = StructuredLocation.FROM_SITE;
        l.siteId = "b4";
        l.siteName = "Building 4";
        l.address = "1 Main St, Redmond";
        l.building = "4";
        l.floor = "2";
        l.latitude = 47.64;
        l.longitude = -122.13;
        l.responders = new ArrayList<>(List.of("Security desk", "+15550199"));
        return l;
    }

    static AuditRecord audit(long offset, AuditOutcome outcome, String factId, long processedAt, long latency) {
        return new AuditRecord(new SourceRef("graph-notifications", 3, offset, 0, processedAt - 5),
                "tenant-1", "sub-1", "created", "chat-1", "msg-1", outcome, outcome.label() + " by test", factId,
                processedAt, latency);
    }

    static DeadLetter deadLetter(long offset, DeadLetterReason reason, String raw, long failedAt) {
        return new DeadLetter(new SourceRef("graph-notifications", 3, offset, SourceRef.WHOLE_RECORD, 0),
                reason, "detail of " + reason.label(), raw, false, failedAt);
    }

    /**
     * Text no output can hold as is (unpaired surrogates, NUL), its neighbours (a control character, an emoji, a
     * backslash before {@code u}), each with its stored form under {@link SafeText}'s text rule (PostgreSQL, Kafka
     * keys and headers). Every sink must take all of them and give each back exactly.
     */
    static final Map<String, String> ODD_TEXT = oddText(
            "\ud800", "\\uD800",
            "\udc00x", "\\uDC00x",
            "a\u0000b", "a\\u0000b",
            "\u0001", "\u0001",
            "\uD83D\uDE91 to Building 4", "\uD83D\uDE91 to Building 4",
            "C:\\u00e9\\", "C:\\\\u00e9\\");

    private static Map<String, String> oddText(String... originalsAndStored) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < originalsAndStored.length; i += 2) {
            m.put(originalsAndStored[i], originalsAndStored[i + 1]);
        }
        return m;
    }

    /** A fact id per odd text, so each odd text gets its own row. */
    static String oddFactId(String text) {
        return UUID.nameUUIDFromBytes(SafeText.escapedUtf8(text)).toString();
    }

    /** Revision 1 of a fact with {@code text} in every text field (the id stays a UUID, as the table needs). */
    static EmergencyCallFact oddFact(String text) {
        EmergencyCallFact f = fact(oddFactId(text), 1, CALL_STARTED);
        f.tenantId = text;
        f.callerUserId = text;
        f.callerDisplayName = text;
        f.dialedNumber = text;
        f.locationText = text;
        f.sources = new ArrayList<>(List.of(text));
        f.messages = new ArrayList<>(List.of(new MessageRef(text, text, text, CALL_STARTED, null)));
        f.callerUpn = text;
        f.callerDepartment = text;
        f.calledLine = text;
        f.location = site();
        f.location.siteId = text;
        f.location.siteName = text;
        return f;
    }

    /** An audit row with {@code text} in every text field; {@code offset} keeps rows apart. */
    static AuditRecord oddAudit(long offset, String text) {
        return new AuditRecord(new SourceRef(text, 3, offset, 0, 0), text, text, text, text, text,
                AuditOutcome.IGNORED, text, null, DETECTED, 4);
    }

    /** A dead letter with {@code text} as source, detail and raw payload. */
    static DeadLetter oddDeadLetter(long offset, String text) {
        return new DeadLetter(new SourceRef(text, 3, offset, SourceRef.WHOLE_RECORD, 0),
                DeadLetterReason.MALFORMED_JSON, text, text, false, DETECTED);
    }
}
