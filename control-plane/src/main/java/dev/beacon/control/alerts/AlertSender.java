package dev.beacon.control.alerts;

/** Delivers one alert over one channel. Implementations are thread-safe. */
public interface AlertSender {

    /**
     * Sends and returns once the receiver accepted it.
     *
     * @return the e-mail Message-ID used (threading), or null for other channels
     */
    String send(AlertRouteStore.Target target, Alert alert) throws DeliveryFailure;
}
