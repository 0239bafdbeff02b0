-- Calls per site: emergency calls (real and test) and security-line calls per tenant and site. site_id is the
-- site ops configured whose match terms the call's location text matched; '(none)' when no site matched (or the
-- location came from Graph's emergency call event, which wins over a site).
-- Used by docs/analysts.md; tested by job AnalystQueriesTest.
SELECT tenant_id,
       coalesce(site_id, '(none)')                                             AS site_id,
       max(location ->> 'site_name')                                           AS site_name,
       count(*) FILTER (WHERE kind = 'emergency' AND NOT is_test_call)         AS emergency_calls,
       count(*) FILTER (WHERE kind = 'emergency' AND is_test_call)             AS test_calls,
       count(*) FILTER (WHERE kind = 'security-line')                          AS security_line_calls
FROM emergency_call
GROUP BY tenant_id, site_id
ORDER BY tenant_id, site_id;
