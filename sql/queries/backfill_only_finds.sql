-- Backfill-only finds: calls that nothing but the control plane's backfill reported (every message that fed
-- them has the audit outcome 'recovered': Graph never delivered their notifications). Each one is a call the
-- desk learned of late; many of them point at a delivery gap (delivery_gap) or a missing subscription.
-- Used by docs/analysts.md; tested by job AnalystQueriesTest.
SELECT fact_id,
       tenant_id,
       caller_user_id,
       call_started_at,
       detected_at - call_started_at AS found_after,
       recovered_notifications
FROM v_backfill_finds
WHERE backfill_only
ORDER BY call_started_at, fact_id;
