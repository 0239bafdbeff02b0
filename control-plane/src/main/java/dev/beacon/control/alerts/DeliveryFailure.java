package dev.beacon.control.alerts;

/**
 * A failed delivery attempt. {@link #getMessage()} is safe to store and log: an HTTP status or an exception class,
 * never a URL, secret or content. {@code permanent} failures (a 4xx other than 408/429, a refused address) are
 * not retried.
 */
public final class DeliveryFailure extends Exception {

    private final boolean permanent;

    public DeliveryFailure(String safeDetail, boolean permanent) {
        super(safeDetail.length() > 300 ? safeDetail.substring(0, 300) : safeDetail, null, false, false);
        this.permanent = permanent;
    }

    public boolean permanent() {
        return permanent;
    }
}
