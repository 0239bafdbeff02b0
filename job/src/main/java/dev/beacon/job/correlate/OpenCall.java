package dev.beacon.job.correlate;

/**
 * A fact that {@link CallCorrelator} still keeps in state, so that more notifications of the same call can merge
 * into it, and until when it is kept.
 */
public class OpenCall {
    public EmergencyCallFact fact;
    /** Processing time after which the fact is dropped from state; pushed back on every change. */
    public long retainUntilMillis;

    public OpenCall() {}

    public OpenCall(EmergencyCallFact fact, long retainUntilMillis) {
        this.fact = fact;
        this.retainUntilMillis = retainUntilMillis;
    }

    @Override
    public String toString() {
        return "OpenCall{" + fact + ", retainUntil=" + retainUntilMillis + "}";
    }
}
