package dev.beacon.job.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.CompositeType;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class FactTypesTest {

    @Test
    void factsAndOpenCallsNeverFallBackToKryo() {
        assertThat(genericTypesIn(FactTypes.OPEN_CALL)).isEmpty();
        assertThat(genericTypesIn(FactTypes.FACT)).isEmpty();
        // Reflection alone would use Kryo for the lists; that is what FactTypes exists to avoid.
        assertThat(genericTypesIn(TypeInformation.of(EmergencyCallFact.class)))
                .containsExactlyInAnyOrder("events", "responders", "messages", "sources", "supersedes");
        assertThat(genericTypesIn(CallerTypes.DIRECTORY_USER)).isEmpty();
        assertThat(genericTypesIn(CallerTypes.SITE)).isEmpty();
    }

    @Test
    void openCallSurvivesASerializationRoundTrip() throws Exception {
        EmergencyCallFact fact = new EmergencyCallFact();
        fact.factId = "f";
        fact.tenantId = "t";
        fact.callerUserId = "u";
        fact.dialedNumber = "911";
        fact.testCall = true;
        fact.callStartedAtMillis = 1;
        fact.detectedAtMillis = 2;
        fact.updatedAtMillis = 3;
        fact.notificationCount = 2;
        fact.deletedCount = 1;
        fact.revision = 4;
        fact.sources.add("graph:sub-1");
        fact.messages.add(new MessageRef("c1", "m1", "sub-1", 1, "h1"));
        MessageRef deleted = new MessageRef("c2", "m2", "sub-1", 5, "h2");
        deleted.deleted = true;
        fact.messages.add(deleted);
        // The fields issue 10 added: a type that forgot them would silently drop them in state and on the wire.
        fact.kind = EmergencyCallFact.KIND_EMERGENCY;
        fact.callerUpn = "alex@contoso.example";
        fact.callerPhoneNumber = "+15550100";
        fact.callerDepartment = "Facilities";
        fact.callerJobTitle = "Engineer";
        fact.callerOfficeLocation = "B4";
        fact.policyName = "Emergency-US";
        fact.endedAtMillis = 7;
        fact.durationSeconds = 3;
        fact.location = new StructuredLocation();
        fact.location.source = StructuredLocation.FROM_SITE;
        fact.location.siteId = "site-4";
        fact.location.latitude = 47.6;
        fact.location.responders.add("desk-4");
        CallEventRef event = new CallEventRef();
        event.eventId = "e1";
        event.eventType = "callStarted";
        event.eventAtMillis = 1;
        event.location = fact.location.copy();
        fact.events.add(event);
        OpenCall call = new OpenCall(fact, 99);

        TypeSerializer<OpenCall> serializer = FactTypes.OPEN_CALL.createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(call, out);
        OpenCall back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

        assertThat(back.retainUntilMillis).isEqualTo(99);
        assertThat(back.fact).isEqualTo(fact);
        assertThat(back.fact.messages).isInstanceOf(ArrayList.class);
        assertThat(serializer.copy(call).fact).isEqualTo(fact).isNotSameAs(fact);
    }

    /** Every field of a fact crosses Flink's serializer: a field FactTypes does not list would be lost silently. */
    @Test
    void everyFactFieldSurvivesASerializationRoundTrip() throws Exception {
        EmergencyCallFact fact = new EmergencyCallFact();
        fact.factId = "f";
        fact.kind = EmergencyCallFact.KIND_SECURITY_LINE;
        fact.callerUpn = "a@contoso.com";
        fact.callerPhoneNumber = "+14255550123";
        fact.callerDepartment = "Facilities";
        fact.callerJobTitle = "Guard";
        fact.callerOfficeLocation = "B25";
        fact.policyName = "EmergencyPolicy";
        fact.location = new StructuredLocation();
        fact.location.source = StructuredLocation.FROM_EMERGENCY_CALL_EVENT;
        fact.location.address = "1 Microsoft Way, Redmond";
        fact.location.latitude = 47.6;
        fact.location.longitude = -122.1;
        fact.location.responders.add("desk@contoso.com");
        fact.endedAtMillis = 9;
        fact.durationSeconds = 7;
        fact.calledLine = "4:+15550100";
        fact.calledLineName = "Lobby";
        fact.correlationId = "corr";
        fact.serverCallId = "server";

        TypeSerializer<EmergencyCallFact> serializer = FactTypes.FACT.createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(fact, out);

        assertThat(serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()))).isEqualTo(fact);
        assertThat(((PojoTypeInfo<?>) FactTypes.FACT).getArity())
                .isEqualTo(((PojoTypeInfo<?>) TypeInformation.of(EmergencyCallFact.class)).getArity());
    }

    private static List<String> genericTypesIn(TypeInformation<?> type) {
        List<String> generic = new ArrayList<>();
        if (type instanceof PojoTypeInfo<?> pojo) {
            for (int i = 0; i < pojo.getArity(); i++) {
                var field = pojo.getPojoFieldAt(i);
                if (field.getTypeInformation() instanceof GenericTypeInfo<?>) {
                    generic.add(field.getField().getName());
                }
                generic.addAll(genericTypesIn(field.getTypeInformation()));
            }
        } else if (type instanceof ListTypeInfo<?> list) {
            generic.addAll(genericTypesIn(list.getElementTypeInfo()));
        } else if (type instanceof CompositeType<?> && !(type instanceof PojoTypeInfo<?>)) {
            throw new AssertionError("unexpected composite type " + type);
        }
        return generic;
    }
}
