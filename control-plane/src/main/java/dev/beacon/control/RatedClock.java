package dev.beacon.control;

/**
 * A clock that runs faster than real time (the local demo's scaled clock). The control plane reports the rate with
 * its answers, so the CLI can say how long "expires in 12d12h" of server time is in real minutes.
 */
public interface RatedClock {

    /** Server seconds per real second; 1 for a normal clock. */
    double rate();
}
