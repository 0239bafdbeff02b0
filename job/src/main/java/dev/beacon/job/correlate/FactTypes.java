package dev.beacon.job.correlate;

import java.util.HashMap;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;

/**
 * Flink type information for facts. Left to reflection, Flink sees the {@code ArrayList} fields of
 * {@link EmergencyCallFact} as generic types and falls back to Kryo, which is slower and cannot evolve state
 * schemas; spelling the fields out keeps the whole fact on Flink's POJO and list serializers. Use {@link #FACT}
 * as the correlator's output type ({@code .returns(FactTypes.FACT)}).
 */
public final class FactTypes {

    public static final TypeInformation<MessageRef> MESSAGE_REF = Types.POJO(MessageRef.class);

    public static final TypeInformation<StructuredLocation> STRUCTURED_LOCATION =
            Types.POJO(StructuredLocation.class, structuredLocationFields());

    public static final TypeInformation<CallEventRef> EVENT_REF = Types.POJO(CallEventRef.class, eventFields());

    public static final TypeInformation<EmergencyCallFact> FACT = Types.POJO(EmergencyCallFact.class, factFields());

    public static final TypeInformation<OpenCall> OPEN_CALL = Types.POJO(OpenCall.class, openCallFields());

    private FactTypes() {}

    private static HashMap<String, TypeInformation<?>> factFields() {
        HashMap<String, TypeInformation<?>> fields = new HashMap<>();
        fields.put("factId", Types.STRING);
        fields.put("supersededBy", Types.STRING);
        fields.put("speculative", Types.BOOLEAN);
        fields.put("tenantId", Types.STRING);
        fields.put("callerUserId", Types.STRING);
        fields.put("callerDisplayName", Types.STRING);
        fields.put("dialedNumber", Types.STRING);
        fields.put("testCall", Types.BOOLEAN);
        fields.put("locationText", Types.STRING);
        fields.put("callStartedAtMillis", Types.LONG);
        fields.put("callStartedAtInferred", Types.BOOLEAN);
        fields.put("detectedAtMillis", Types.LONG);
        fields.put("updatedAtMillis", Types.LONG);
        fields.put("notificationCount", Types.INT);
        fields.put("deletedCount", Types.INT);
        fields.put("revision", Types.INT);
        fields.put("kind", Types.STRING);
        fields.put("callerUpn", Types.STRING);
        fields.put("callerPhoneNumber", Types.STRING);
        fields.put("callerDepartment", Types.STRING);
        fields.put("callerJobTitle", Types.STRING);
        fields.put("callerOfficeLocation", Types.STRING);
        fields.put("policyName", Types.STRING);
        fields.put("location", STRUCTURED_LOCATION);
        fields.put("endedAtMillis", Types.LONG);
        fields.put("durationSeconds", Types.LONG);
        fields.put("calledLine", Types.STRING);
        fields.put("calledLineName", Types.STRING);
        fields.put("correlationId", Types.STRING);
        fields.put("serverCallId", Types.STRING);
        // ListSerializer restores an ArrayList, which is what the fields are declared as.
        fields.put("sources", new ListTypeInfo<>(Types.STRING));
        fields.put("messages", new ListTypeInfo<>(MESSAGE_REF));
        fields.put("supersedes", new ListTypeInfo<>(Types.STRING));
        fields.put("events", new ListTypeInfo<>(EVENT_REF));
        return fields;
    }

    private static HashMap<String, TypeInformation<?>> eventFields() {
        HashMap<String, TypeInformation<?>> fields = new HashMap<>();
        for (String name : new String[] {"eventId", "eventType", "subscriptionId", "contentHash", "policyName",
                "dialedNumber", "callerDisplayName", "callerUpn", "callerPhoneNumber"}) {
            fields.put(name, Types.STRING);
        }
        fields.put("eventAtMillis", Types.LONG);
        fields.put("receivedAtMillis", Types.LONG);
        fields.put("location", STRUCTURED_LOCATION);
        return fields;
    }

    private static HashMap<String, TypeInformation<?>> structuredLocationFields() {
        HashMap<String, TypeInformation<?>> fields = new HashMap<>();
        for (String text : new String[] {"source", "siteId", "siteName", "address", "building", "floor",
                "houseNumber", "street", "city", "state", "postalCode", "countryOrRegion"}) {
            fields.put(text, Types.STRING);
        }
        fields.put("latitude", Types.DOUBLE);
        fields.put("longitude", Types.DOUBLE);
        fields.put("responders", new ListTypeInfo<>(Types.STRING));
        return fields;
    }

    private static HashMap<String, TypeInformation<?>> openCallFields() {
        HashMap<String, TypeInformation<?>> fields = new HashMap<>();
        fields.put("fact", FACT);
        fields.put("retainUntilMillis", Types.LONG);
        return fields;
    }
}
