-- Real emergency calls per caller department (from the directory, beacon-directory). '(unknown)': the directory
-- had no department for the caller, or no entry (e.g. a caller known only by UPN).
-- Used by docs/analysts.md; tested by job AnalystQueriesTest.
SELECT tenant_id,
       coalesce(caller_department, '(unknown)') AS department,
       count(*)                                 AS emergency_calls,
       count(DISTINCT caller_user_id)           AS callers
FROM emergency_call
WHERE kind = 'emergency' AND NOT is_test_call
GROUP BY tenant_id, caller_department
ORDER BY tenant_id, emergency_calls DESC, department;
