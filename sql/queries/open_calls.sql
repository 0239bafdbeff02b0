-- Open calls: no end known yet (no callEnded from Graph's emergency call event feed) and still open in the job,
-- which keeps a call open to merges, amendments and its end for two days after its last change (state.fact-ttl;
-- change the interval below if you changed that setting). Newest first.
-- awaits_call_ended: the feed reported this call, so a callEnded will close it; false: a chat-only or
-- security-line call, which never gets an end. still_updating: the call changed in the last 15 minutes (merges,
-- amendments, directory and site updates still arriving).
-- Used by docs/analysts.md; tested by job AnalystQueriesTest.
SELECT fact_id,
       tenant_id,
       kind,
       is_test_call,
       caller_user_id,
       call_started_at,
       awaits_call_ended,
       last_updated_at > now() - interval '15 minutes' AS still_updating,
       revision
FROM v_open_calls
WHERE last_updated_at > now() - interval '2 days'
ORDER BY call_started_at DESC, fact_id;
