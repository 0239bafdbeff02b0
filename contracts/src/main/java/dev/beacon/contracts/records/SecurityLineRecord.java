package dev.beacon.contracts.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A security line ops configured ({@code beaconctl lines}), on {@link ReferenceTopics#SECURITY_LINES} (key
 * {@link #lineId}): an Azure Communication Services {@code IncomingCall} whose {@code to} is this line becomes a
 * fact. The descriptive fields come from Graph's {@code admin/teams/resourceAccounts} when the line is a Teams
 * resource account, so facts name the line that was called.
 *
 * @param lineId            what {@code IncomingCall.to.rawId} carries for this line: {@code 4:+15550100} for a phone
 *                          number (E.164), {@code 28:orgid:<guid>} for a Teams resource account
 * @param integrationId     the integration that owns it
 * @param tenantId          the tenant, or null when not known
 * @param displayName       the line's name (the resource account's display name, or what ops gave it)
 * @param userPrincipalName the resource account's UPN, or null
 * @param phoneNumber       the line's phone number (E.164), or null
 * @param acsResourceId     the resource account's ACS resource id, or null
 */
public record SecurityLineRecord(
        String lineId, String integrationId, String tenantId, String displayName, String userPrincipalName,
        String phoneNumber, String acsResourceId) {

    public ObjectNode toJson(ObjectMapper m) {
        ObjectNode n = m.createObjectNode();
        n.put("line_id", lineId);
        n.put("integration_id", integrationId);
        n.put("tenant_id", tenantId);
        n.put("display_name", displayName);
        n.put("user_principal_name", userPrincipalName);
        n.put("phone_number", phoneNumber);
        n.put("acs_resource_id", acsResourceId);
        return n;
    }

    public static SecurityLineRecord fromJson(JsonNode n) throws ContractFormatException {
        if (n == null || !n.isObject()) {
            throw new ContractFormatException("a security line is a JSON object");
        }
        return new SecurityLineRecord(
                Fields.requiredText(n, "line_id"),
                Fields.optionalText(n, "integration_id"),
                Fields.optionalText(n, "tenant_id"),
                Fields.optionalText(n, "display_name"),
                Fields.optionalText(n, "user_principal_name"),
                Fields.optionalText(n, "phone_number"),
                Fields.optionalText(n, "acs_resource_id"));
    }

    /**
     * The line id for what ops type: a phone number ({@code +1 555 0100}) becomes {@code 4:+15550100}; a raw id
     * ({@code 4:…}, {@code 28:orgid:…}, {@code 8:acs:…}) stays as is, with a GUID lower-cased.
     */
    public static String lineIdOf(String typed) {
        String t = typed == null ? "" : typed.strip();
        if (t.regionMatches(true, 0, "28:orgid:", 0, 9)) {
            return "28:orgid:" + ReferenceTopics.lower(t.substring(9));
        }
        if (t.startsWith("4:")) {
            return "4:+" + t.substring(2).replaceAll("[^0-9]", ""); // ACS writes 4:+1555…; spacing never matters
        }
        if (t.indexOf(':') >= 0) {
            return t; // another raw id (8:acs:…); checked before digits: "4:" and "28:" start with one
        }
        if (t.startsWith("+") || (!t.isEmpty() && Character.isDigit(t.charAt(0)))) {
            return "4:+" + t.replaceAll("[^0-9]", "");
        }
        return t;
    }
}
