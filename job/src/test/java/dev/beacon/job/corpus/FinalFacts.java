package dev.beacon.job.corpus;

import dev.beacon.job.correlate.EmergencyCallFact;
import java.lang.reflect.Field;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a consumer of the facts ends up with, the way the {@code emergency_call} table keeps them: per
 * {@code fact_id} the highest revision. A fact id whose highest revision is a supersede marker (a provisional id
 * replaced by the call's final id) is no fact any more.
 *
 * <p>The one place to adapt when the fact model changes: {@link #isSupersedeMarker}.
 */
final class FinalFacts {

    private FinalFacts() {}

    static Map<String, EmergencyCallFact> of(Collection<EmergencyCallFact> emitted) {
        Map<String, EmergencyCallFact> latest = new LinkedHashMap<>();
        for (EmergencyCallFact f : emitted) {
            latest.merge(f.factId, f, (a, b) -> b.revision > a.revision ? b : a);
        }
        latest.values().removeIf(FinalFacts::isSupersedeMarker);
        return latest;
    }

    /**
     * Whether the record only says "this provisional id is superseded by another" ({@code supersededBy} non-null).
     * Read reflectively while the field is being introduced; once it exists, this is {@code f.supersededBy != null}.
     */
    static boolean isSupersedeMarker(EmergencyCallFact f) {
        try {
            Field field = EmergencyCallFact.class.getField("supersededBy");
            return field.get(f) != null;
        } catch (NoSuchFieldException e) {
            return false;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
