package dev.beacon.control.subscriptions;

/** What one pass (or one ops action / lifecycle event) did so far; mutable, turned into a {@link ReconcileReport}. */
final class ReconcileTally {
    int created, renewed, recreated, adopted, deleted, deferred, failed;
    /** The job's secrets changed (clientState issued or retired, key new or rotated): re-export them. */
    boolean secretsChanged;

    ReconcileReport report(String integrationId, String outcome) {
        return new ReconcileReport(integrationId, created, renewed, recreated, adopted, deleted, deferred, failed,
                outcome);
    }
}
