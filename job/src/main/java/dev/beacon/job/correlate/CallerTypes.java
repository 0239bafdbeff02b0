package dev.beacon.job.correlate;

import dev.beacon.job.reference.ReferenceUpdate;
import java.util.HashMap;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;

/**
 * Flink type information for the reference data the correlation stages keep in state (directory users, sites),
 * spelled out like {@link FactTypes} so that their lists do not fall back to Kryo, and the sites' broadcast state.
 */
public final class CallerTypes {

    public static final TypeInformation<ReferenceUpdate.DirectoryUser> DIRECTORY_USER =
            Types.POJO(ReferenceUpdate.DirectoryUser.class, userFields());

    public static final TypeInformation<ReferenceUpdate.Site> SITE = Types.POJO(ReferenceUpdate.Site.class,
            siteFields());

    /** Ops' sites by site id, broadcast to every correlator instance. */
    public static final MapStateDescriptor<String, ReferenceUpdate.Site> SITES =
            new MapStateDescriptor<>("sites", Types.STRING, SITE);

    private CallerTypes() {}

    private static HashMap<String, TypeInformation<?>> userFields() {
        HashMap<String, TypeInformation<?>> fields = new HashMap<>();
        for (String name : new String[] {"tenantId", "userId", "displayName", "userPrincipalName", "department",
                "jobTitle", "officeLocation", "mobilePhone"}) {
            fields.put(name, Types.STRING);
        }
        fields.put("businessPhones", new ListTypeInfo<>(Types.STRING));
        return fields;
    }

    private static HashMap<String, TypeInformation<?>> siteFields() {
        HashMap<String, TypeInformation<?>> fields = new HashMap<>();
        for (String name : new String[] {"siteId", "tenantId", "name", "address", "building", "floor"}) {
            fields.put(name, Types.STRING);
        }
        fields.put("latitude", Types.DOUBLE);
        fields.put("longitude", Types.DOUBLE);
        fields.put("matchTerms", new ListTypeInfo<>(Types.STRING));
        fields.put("responders", new ListTypeInfo<>(Types.STRING));
        return fields;
    }
}
