package dev.beacon.job.audit;

/** What Beacon did with one notification. Stored in lower case with dashes, e.g. {@code needs-hydration}. */
public enum AuditOutcome {
    /** Started a new emergency-call fact. */
    EMITTED,
    /** Another chat's notification of a call that already has a fact; raised its notification_count. */
    MERGED,
    /** An {@code updated} notification whose content changed; the fact got a new revision. */
    AMENDED,
    /** An {@code updated} notification whose content did not change (reactions, read receipts): nothing to do. */
    UNCHANGED,
    /** An exact redelivery of a notification already processed. */
    DUPLICATE,
    /** A {@code deleted} notification for a message that fed a fact; recorded on the fact. */
    DELETED,
    /** Not an emergency (ordinary chat), or nothing Beacon acts on. Content is never kept. */
    IGNORED,
    /** Failed an authenticity or format check; a dead letter holds the details. */
    INVALID,
    /** No resource data to judge; put on the needs-hydration output. */
    NEEDS_HYDRATION,
    /** A Graph subscription validation record ({@code subscriptionId} "NA"). */
    VALIDATION,
    /** A lifecycle notification, forwarded to the control plane's topic. */
    LIFECYCLE,
    /**
     * Found only by backfill: Graph did not deliver its notification. The message started or joined a fact like an
     * {@code emitted} or {@code merged} one (the audit row's reason says which).
     */
    RECOVERED;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
