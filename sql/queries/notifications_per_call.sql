-- Notifications per call: how many messages and notifications fed each call, by audit outcome (emitted: the first,
-- merged: another desk chat's message of the same call, amended: an edit or call event that changed the fact,
-- deleted: a message deleted, recovered: found only by the backfill). Redeliveries (duplicate) and unchanged
-- updates carry no fact id and are not counted.
-- Used by docs/analysts.md; tested by job AnalystQueriesTest.
SELECT fact_id,
       kind,
       is_test_call,
       call_started_at,
       notification_count,
       deleted_count,
       audited_notifications,
       emitted,
       merged,
       amended,
       deleted,
       recovered
FROM v_notifications_per_call
ORDER BY call_started_at, fact_id;
