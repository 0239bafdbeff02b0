package dev.beacon.control.subscriptions;

import dev.beacon.control.ingress.IngressRoutes;
import dev.beacon.control.integration.DesiredSubscription;
import java.net.URI;
import java.util.Optional;

/**
 * Turns the {@code ingress} shorthand of a desired subscription into the webhook ingress's public routes, when the
 * reconciler builds the subscription (not when the integration was added): notification URL
 * {@code <BEACON_INGRESS_PUBLIC_URL>/webhooks/graph/<integration>}, lifecycle URL (when it is unset, or also
 * {@code ingress}) {@code .../lifecycle}. So changing {@code BEACON_INGRESS_PUBLIC_URL} moves the subscriptions at
 * the next pass: the resolved URLs no longer match the subscription's, and the reconciler replaces it.
 */
public final class IngressWebhookUrls {

    /** The setting this resolves with, named in every problem it reports. */
    public static final String SETTING = "BEACON_INGRESS_PUBLIC_URL";

    /** A desired subscription uses the ingress but {@code BEACON_INGRESS_PUBLIC_URL} is not set. */
    public static final class PublicUrlMissing extends IllegalArgumentException {
        PublicUrlMissing(String integrationId) {
            super("integration " + integrationId + " delivers to the webhook ingress ('" + IngressRoutes.SHORTHAND
                    + "') but " + SETTING + " is not set on the control plane");
        }
    }

    private final URI publicUrl;

    private IngressWebhookUrls(URI publicUrl) {
        this.publicUrl = publicUrl;
    }

    /** Resolves with {@code publicUrl} (checked: https, or http to localhost); empty: the shorthand is a problem. */
    public static IngressWebhookUrls of(Optional<URI> publicUrl) {
        return new IngressWebhookUrls(publicUrl.map(u -> IngressRoutes.checkedPublicUrl(u.toString())).orElse(null));
    }

    public static IngressWebhookUrls none() {
        return new IngressWebhookUrls(null);
    }

    public Optional<URI> publicUrl() {
        return Optional.ofNullable(publicUrl);
    }

    public static boolean isShorthand(String url) {
        return url != null && IngressRoutes.SHORTHAND.equalsIgnoreCase(url.strip());
    }

    /** True when the notification or lifecycle URL is the shorthand. */
    public static boolean usesIngress(DesiredSubscription d) {
        return isShorthand(d.notificationUrl()) || isShorthand(d.lifecycleNotificationUrl());
    }

    /**
     * Checks a URL a desired subscription is added with: the shorthand (the integration id must then fit a route)
     * or a {@link DeliveryTarget}.
     */
    public static void check(String integrationId, String url) {
        if (isShorthand(url)) {
            IngressRoutes.notificationUrl(URI.create("https://check.invalid"), integrationId);
        } else {
            DeliveryTarget.parse(url);
        }
    }

    /**
     * {@code d} with the shorthand replaced by this integration's routes; {@code d} itself when it does not use it.
     *
     * @throws PublicUrlMissing when it does and no public URL is configured
     */
    public DesiredSubscription resolve(DesiredSubscription d) {
        if (!usesIngress(d)) {
            return d;
        }
        if (publicUrl == null) {
            throw new PublicUrlMissing(d.integrationId());
        }
        String lifecycleRoute = IngressRoutes.lifecycleUrl(publicUrl, d.integrationId());
        boolean notificationShorthand = isShorthand(d.notificationUrl());
        String notification = notificationShorthand
                ? IngressRoutes.notificationUrl(publicUrl, d.integrationId()) : d.notificationUrl();
        String lifecycle = d.lifecycleNotificationUrl();
        if (isShorthand(lifecycle) || notificationShorthand && (lifecycle == null || lifecycle.isBlank())) {
            lifecycle = lifecycleRoute;
        }
        return new DesiredSubscription(d.integrationId(), d.resource(), d.changeTypes(), notification, lifecycle,
                d.includeResourceData(), d.lifetimeMinutes());
    }
}
