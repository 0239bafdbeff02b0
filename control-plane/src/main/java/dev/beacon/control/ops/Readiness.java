package dev.beacon.control.ops;

import java.util.List;

/** {@code /readyz}: ready only when every check passes; {@code problems} says what is wrong, in words. */
public record Readiness(boolean ready, List<String> problems) {}
