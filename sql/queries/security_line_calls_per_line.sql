-- Calls to each security line (Azure Communication Services IncomingCall to a number or resource account ops
-- configured with beaconctl lines), with the first and the latest call.
-- Used by docs/analysts.md; tested by job AnalystQueriesTest.
SELECT tenant_id,
       called_line,
       max(called_line_name)       AS called_line_name,
       count(*)                    AS calls,
       count(DISTINCT caller_user_id) AS callers,
       min(call_started_at)        AS first_call_at,
       max(call_started_at)        AS last_call_at
FROM v_security_line_calls
GROUP BY tenant_id, called_line
ORDER BY calls DESC, called_line;
