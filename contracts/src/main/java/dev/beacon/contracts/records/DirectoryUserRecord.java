package dev.beacon.contracts.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One user of a tenant's directory, as the control plane's {@code /users/delta} sync last saw it, on
 * {@link ReferenceTopics#DIRECTORY} (key {@link #key()}). The job joins facts to it by caller: the chat gives the
 * caller's object id, Graph's emergency call events give the UPN. Only the fields a responder needs; every field but
 * the ids is optional (what Graph returns depends on the permission granted).
 */
public record DirectoryUserRecord(
        String tenantId, String userId, String displayName, String userPrincipalName, String department,
        String jobTitle, String officeLocation, List<String> businessPhones, String mobilePhone) {

    public DirectoryUserRecord {
        businessPhones = businessPhones == null ? List.of() : List.copyOf(businessPhones);
    }

    public String key() {
        return ReferenceTopics.directoryKey(tenantId, userId);
    }

    public ObjectNode toJson(ObjectMapper m) {
        ObjectNode n = m.createObjectNode();
        n.put("tenant_id", tenantId);
        n.put("user_id", userId);
        n.put("display_name", displayName);
        n.put("user_principal_name", userPrincipalName);
        n.put("department", department);
        n.put("job_title", jobTitle);
        n.put("office_location", officeLocation);
        ArrayNode phones = n.putArray("business_phones");
        businessPhones.forEach(phones::add);
        n.put("mobile_phone", mobilePhone);
        return n;
    }

    public static DirectoryUserRecord fromJson(JsonNode n) throws ContractFormatException {
        if (n == null || !n.isObject()) {
            throw new ContractFormatException("a directory user is a JSON object");
        }
        return new DirectoryUserRecord(
                Fields.requiredText(n, "tenant_id"),
                Fields.requiredText(n, "user_id"),
                Fields.optionalText(n, "display_name"),
                Fields.optionalText(n, "user_principal_name"),
                Fields.optionalText(n, "department"),
                Fields.optionalText(n, "job_title"),
                Fields.optionalText(n, "office_location"),
                Fields.optionalTextList(n, "business_phones"),
                Fields.optionalText(n, "mobile_phone"));
    }
}
