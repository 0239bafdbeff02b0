package dev.beacon.job.securitylines;

import dev.beacon.job.ingest.SourceRef;

/**
 * An {@link IncomingCall} kept in keyed state: one waiting for its line to become known (held), or one already
 * decided and remembered to recognise a redelivery (then only {@link #factId} and the times matter). A POJO of
 * simple fields, so its state schema can evolve.
 */
public class HeldCall {

    /** Waiting for the called line; decided when it becomes known or when {@link #decideAtMillis} passes. */
    public boolean held;
    /** The fact the call produced; null for a call that was not to a security line (or not decided yet). */
    public String factId;
    /** Processing time at which a held call is decided without its line. */
    public long decideAtMillis;
    /** Processing time after which the decided call is forgotten. */
    public long forgetAtMillis;

    public String sourceTopic;
    public int sourcePartition;
    public long sourceOffset;
    public int sourceItem;
    public long sourceIngestedAtMillis;
    public String eventId;
    public String acsResource;
    public String toRawId;
    public String fromRawId;
    public String callerPhoneNumber;
    public String callerDisplayName;
    public String correlationId;
    public String serverCallId;
    public long eventAtMillis;

    public HeldCall() {}

    static HeldCall holding(IncomingCall c, long decideAtMillis) {
        HeldCall h = new HeldCall();
        h.held = true;
        h.decideAtMillis = decideAtMillis;
        h.sourceTopic = c.source().source();
        h.sourcePartition = c.source().partition();
        h.sourceOffset = c.source().offset();
        h.sourceItem = c.source().itemIndex();
        h.sourceIngestedAtMillis = c.source().ingestedAtMillis();
        h.eventId = c.eventId();
        h.acsResource = c.acsResource();
        h.toRawId = c.toRawId();
        h.fromRawId = c.fromRawId();
        h.callerPhoneNumber = c.callerPhoneNumber();
        h.callerDisplayName = c.callerDisplayName();
        h.correlationId = c.correlationId();
        h.serverCallId = c.serverCallId();
        h.eventAtMillis = c.eventAtMillis();
        return h;
    }

    /** A decided call: only what recognising a redelivery needs. */
    static HeldCall decided(String factId, long forgetAtMillis) {
        HeldCall h = new HeldCall();
        h.factId = factId;
        h.forgetAtMillis = forgetAtMillis;
        return h;
    }

    IncomingCall call() {
        return new IncomingCall(new SourceRef(sourceTopic, sourcePartition, sourceOffset, sourceItem,
                sourceIngestedAtMillis), eventId, acsResource, toRawId, fromRawId, callerPhoneNumber,
                callerDisplayName, correlationId, serverCallId, eventAtMillis);
    }
}
