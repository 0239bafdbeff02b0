package dev.beacon.job.reference;

import java.util.HashMap;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;

/**
 * Flink type information for {@link ReferenceUpdate}: every field spelled out, so updates (and the users, sites and
 * lines kept in state) use Flink's POJO and list serializers rather than Kryo. {@code Types.POJO} with a field map
 * serializes the listed fields only: a field added to these classes must be added here (ReferenceTypesTest checks).
 */
public final class ReferenceTypes {

    public static final TypeInformation<ReferenceUpdate.DirectoryUser> DIRECTORY_USER =
            Types.POJO(ReferenceUpdate.DirectoryUser.class, directoryUserFields());
    public static final TypeInformation<ReferenceUpdate.Site> SITE =
            Types.POJO(ReferenceUpdate.Site.class, siteFields());
    public static final TypeInformation<ReferenceUpdate.SecurityLine> SECURITY_LINE =
            Types.POJO(ReferenceUpdate.SecurityLine.class, securityLineFields());
    public static final TypeInformation<ReferenceUpdate> UPDATE = Types.POJO(ReferenceUpdate.class, updateFields());

    private ReferenceTypes() {}

    private static HashMap<String, TypeInformation<?>> updateFields() {
        HashMap<String, TypeInformation<?>> f = new HashMap<>();
        f.put("kind", Types.ENUM(ReferenceUpdate.Kind.class));
        f.put("key", Types.STRING);
        f.put("user", DIRECTORY_USER);
        f.put("site", SITE);
        f.put("line", SECURITY_LINE);
        return f;
    }

    private static HashMap<String, TypeInformation<?>> directoryUserFields() {
        HashMap<String, TypeInformation<?>> f = new HashMap<>();
        for (String name : new String[] {"tenantId", "userId", "displayName", "userPrincipalName", "department",
                "jobTitle", "officeLocation", "mobilePhone"}) {
            f.put(name, Types.STRING);
        }
        f.put("businessPhones", new ListTypeInfo<>(Types.STRING));
        return f;
    }

    private static HashMap<String, TypeInformation<?>> siteFields() {
        HashMap<String, TypeInformation<?>> f = new HashMap<>();
        for (String name : new String[] {"siteId", "tenantId", "name", "address", "building", "floor"}) {
            f.put(name, Types.STRING);
        }
        f.put("latitude", Types.DOUBLE);
        f.put("longitude", Types.DOUBLE);
        f.put("matchTerms", new ListTypeInfo<>(Types.STRING));
        f.put("responders", new ListTypeInfo<>(Types.STRING));
        return f;
    }

    private static HashMap<String, TypeInformation<?>> securityLineFields() {
        HashMap<String, TypeInformation<?>> f = new HashMap<>();
        for (String name : new String[] {"lineId", "integrationId", "tenantId", "displayName", "userPrincipalName",
                "phoneNumber", "acsResourceId"}) {
            f.put(name, Types.STRING);
        }
        return f;
    }
}
