package dev.beacon.control.kafka;

/** Why a record can never be handled; {@link #label()} is the dead letter's {@code reason} and a metric tag. */
public interface DeadLetterReason {
    String label();
}
