package dev.beacon.control.integration;

/**
 * A subscription that should exist in Graph for an integration. The reconciler makes Graph match this.
 *
 * @param resource  Graph resource path; {@code {user}} stands for the signed-in account's object id,
 *                  e.g. {@code /users/{user}/chats/getAllMessages?model=B}
 * @param changeTypes comma-separated, e.g. {@code created,updated,deleted}
 * @param notificationUrl {@code EventHub:https://…}, {@code EventGrid:?…} or an https webhook URL
 * @param lifecycleNotificationUrl null means "same as notificationUrl"; always sent to Graph
 * @param lifetimeMinutes requested lifetime (45..4320); renewal happens at about half of what remains
 */
public record DesiredSubscription(
        String integrationId,
        String resource,
        String changeTypes,
        String notificationUrl,
        String lifecycleNotificationUrl,
        boolean includeResourceData,
        int lifetimeMinutes) {

    public static final int MAX_LIFETIME_MINUTES = 4320;
    public static final int MIN_LIFETIME_MINUTES = 45;

    /** The lifecycle URL Graph gets: the explicit one, else the notification URL (Graph allows them equal). */
    public String effectiveLifecycleUrl() {
        return lifecycleNotificationUrl == null || lifecycleNotificationUrl.isBlank()
                ? notificationUrl
                : lifecycleNotificationUrl;
    }
}
