package dev.beacon.job.reference;

import static dev.beacon.job.reference.ReferenceSamples.ADA;
import static dev.beacon.job.reference.ReferenceSamples.B4;
import static dev.beacon.job.reference.ReferenceSamples.DESK;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class ReferenceTypesTest {

    /** Types.POJO with a field map serializes the listed fields only: a forgotten field would vanish silently. */
    @Test
    void everyFieldIsSpelledOut() {
        assertFields(ReferenceTypes.UPDATE, ReferenceUpdate.class);
        assertFields(ReferenceTypes.DIRECTORY_USER, ReferenceUpdate.DirectoryUser.class);
        assertFields(ReferenceTypes.SITE, ReferenceUpdate.Site.class);
        assertFields(ReferenceTypes.SECURITY_LINE, ReferenceUpdate.SecurityLine.class);
    }

    @Test
    void updatesAndTombstonesSurviveASerializationRoundTrip() throws Exception {
        TypeSerializer<ReferenceUpdate> serializer =
                ReferenceTypes.UPDATE.createSerializer(new SerializerConfigImpl());
        for (ReferenceUpdate u : List.of(ReferenceUpdate.of(ADA), ReferenceUpdate.of(B4), ReferenceUpdate.of(DESK),
                ReferenceUpdate.tombstone(ReferenceUpdate.Kind.SITE, "b4"))) {
            DataOutputSerializer out = new DataOutputSerializer(256);
            serializer.serialize(u, out);
            ReferenceUpdate back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
            assertThat(back).usingRecursiveComparison().isEqualTo(u);
        }
    }

    private static void assertFields(TypeInformation<?> info, Class<?> type) {
        assertThat(info).isInstanceOf(PojoTypeInfo.class);
        PojoTypeInfo<?> pojo = (PojoTypeInfo<?>) info;
        List<String> declared = Arrays.stream(type.getDeclaredFields())
                .filter(f -> !Modifier.isStatic(f.getModifiers()))
                .map(Field::getName).toList();
        assertThat(Arrays.asList(pojo.getFieldNames())).containsExactlyInAnyOrderElementsOf(declared);
    }
}
