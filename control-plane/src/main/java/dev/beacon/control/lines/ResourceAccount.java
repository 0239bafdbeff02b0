package dev.beacon.control.lines;

/**
 * A Teams resource account as Graph lists it ({@code GET /beta/admin/teams/resourceAccounts}).
 *
 * @param accountId   the Entra object id, lower case: the line id {@code 28:orgid:<accountId>}
 * @param phoneNumber E.164 ({@code +15550100}; Graph's {@code tel:} prefix removed), or null
 */
public record ResourceAccount(String accountId, String displayName, String userPrincipalName, String phoneNumber,
                              String acsResourceId, String appId) {}
