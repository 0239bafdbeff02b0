package dev.beacon.control.subscriptions;

/**
 * What one reconcile pass did for an integration. {@code outcome}: {@code ok}, or why the pass stopped early
 * ({@code sign-in required}, {@code quota exceeded}, {@code unknown integration}, {@code disabled}).
 *
 * @param deferred subscriptions left alone because a Retry-After or backoff is still running
 * @param failed   calls that failed and were scheduled for a retry, or desired entries that are invalid
 */
public record ReconcileReport(String integrationId, int created, int renewed, int recreated, int adopted,
                              int deleted, int deferred, int failed, String outcome) {

    public boolean ok() {
        return "ok".equals(outcome);
    }

    /** True when the pass changed something in Graph or hit a problem: worth a line in the log. */
    public boolean changedAnything() {
        return !ok() || created + renewed + recreated + adopted + deleted + failed > 0;
    }
}
