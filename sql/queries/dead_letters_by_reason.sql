-- Dead letters by reason over the last 24 hours and the last 7 days (by when the job rejected them), most
-- frequent first. The rows themselves (dead_letter.raw, detail) say what arrived; rich notifications stay
-- encrypted there. For all time use v_dead_letter_summary.
-- Used by docs/analysts.md; tested by job AnalystQueriesTest.
SELECT reason,
       count(*) FILTER (WHERE failed_at >= now() - interval '24 hours') AS last_24_hours,
       count(*)                                                         AS last_7_days,
       max(failed_at)                                                   AS last_seen
FROM dead_letter
WHERE failed_at >= now() - interval '7 days'
GROUP BY reason
ORDER BY last_7_days DESC, reason;
