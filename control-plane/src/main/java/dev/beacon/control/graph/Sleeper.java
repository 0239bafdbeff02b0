package dev.beacon.control.graph;

import java.time.Duration;

/** Waits between retries. Injected so tests record the requested waits instead of sleeping. */
@FunctionalInterface
public interface Sleeper {

    Sleeper REAL = d -> Thread.sleep(d.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
