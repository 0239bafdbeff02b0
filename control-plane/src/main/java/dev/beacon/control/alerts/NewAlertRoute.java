package dev.beacon.control.alerts;

import java.util.List;

/**
 * The body of {@code POST /api/integrations/{id}/alerts}.
 *
 * @param url        webhook or Teams URL (https, or http to a loopback host for tests); stored sealed
 * @param secret     webhook HMAC secret; generated (and returned once) when absent
 * @param recipients e-mail addresses (channel email)
 * @param calls      real, test or both (default real)
 */
public record NewAlertRoute(String route, String channel, String calls, String url, String secret,
                            List<String> recipients) {}
