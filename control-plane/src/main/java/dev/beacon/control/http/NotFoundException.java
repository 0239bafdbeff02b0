package dev.beacon.control.http;

/** Maps to 404. Operations may throw {@link java.util.NoSuchElementException} for the same effect. */
public final class NotFoundException extends RuntimeException {
    public NotFoundException(String message) {
        super(message);
    }
}
