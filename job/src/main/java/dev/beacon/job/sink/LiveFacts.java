package dev.beacon.job.sink;

import dev.beacon.job.correlate.EmergencyCallFact;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a consumer of the fact stream should hold, in memory: the highest revision of every live fact, with
 * superseded ids removed for good. The same rules as the {@code emergency_call} upsert in {@link PostgresSinks}, for
 * the replay file sink, for tests, and as the reference for downstream consumers of the facts topic.
 *
 * <p>Not thread-safe; feed it from one thread.
 */
public final class LiveFacts {

    private final Map<String, EmergencyCallFact> live = new HashMap<>();
    private final Map<String, String> aliases = new HashMap<>();
    private final Set<String> seenRevisions = new HashSet<>();

    /** Applies one record (revision or supersede) in stream order. */
    public void apply(EmergencyCallFact record) {
        if (record.isSupersede()) {
            aliases.put(record.factId, record.supersededBy);
            live.remove(record.factId);
            return;
        }
        seenRevisions.add(record.factId + ":" + record.revision);
        if (aliases.containsKey(record.factId)) {
            return; // a replayed revision of an id that was superseded: sticky, as in the table
        }
        EmergencyCallFact known = live.get(record.factId);
        if (known == null || record.revision > known.revision) {
            // Copied: with object reuse enabled the runtime may hand the same instance again.
            live.put(record.factId, record.copy());
        }
    }

    /** Applies records in order. */
    public LiveFacts applyAll(Iterable<EmergencyCallFact> records) {
        records.forEach(this::apply);
        return this;
    }

    /** The live facts, in no particular order. */
    public List<EmergencyCallFact> facts() {
        return new ArrayList<>(live.values());
    }

    /** Superseded id → the id it was superseded by (as last recorded). */
    public Map<String, String> aliases() {
        return Map.copyOf(aliases);
    }

    /** The live id a fact id stands for now: itself, or where its supersede chain ends. */
    public String resolve(String factId) {
        String id = factId;
        for (int hops = 0; hops <= aliases.size() && aliases.containsKey(id); hops++) {
            id = aliases.get(id);
        }
        return id;
    }
}
