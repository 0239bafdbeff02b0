package dev.beacon.drill;

import dev.beacon.drill.Observed.FactRow;
import dev.beacon.drill.Observed.TopicRecord;
import dev.beacon.drill.scenario.DrillScenario.Call;
import dev.beacon.drill.scenario.DrillScenario.DeskMessage;
import dev.beacon.drill.scenario.Publisher.Position;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The drill's invariants, each as a list of violations that names the calls and ids involved (empty = holds):
 *
 * <ol>
 *   <li>{@link #inputLost}: every input position has an audit row, and every call is a fact holding all its desk
 *       messages, in PostgreSQL and on the topic, whatever its id;
 *   <li>{@link #postgresContract}: exactly one {@code emergency_call} row per call, with the deterministic id
 *       {@code FactIds.factId(tenant, caller, earliest createdDateTime)} and notification_count = distinct desk
 *       messages;
 *   <li>{@link #kafkaContract}: the keys whose last record is a fact revision are exactly the expected ids, with the
 *       full count; every other key's last record is a superseded record pointing at its call's live id;
 *   <li>{@link #duplicateRevisions}: with exactly-once output, no (fact_id, revision) is published twice.
 * </ol>
 *
 * Ids the job may legitimately have used for a while (a fact anchored on a later desk message before the earliest
 * one arrived) are recognised, so reports say "anchored on bob's message (+350 ms)" instead of an opaque UUID.
 */
public final class DrillAssertions {

    private static final int MAX_LISTED = 12;

    private final List<Call> calls;
    private final List<Position> published;
    private final Map<String, Call> callByMessage = new HashMap<>();
    private final Map<String, String> explainedIds = new HashMap<>();
    private final Map<String, Call> callByExpectedId = new HashMap<>();

    public DrillAssertions(List<Call> calls, List<Position> published) {
        this.calls = List.copyOf(calls);
        this.published = List.copyOf(published);
        for (Call call : calls) {
            callByExpectedId.put(call.expectedFactId(), call);
            for (DeskMessage m : call.desk()) {
                callByMessage.put(Observed.messageKey(m.chatId(), m.messageId()), call);
                String anchored = call.factIdAnchoredOn(m);
                if (!anchored.equals(call.expectedFactId())) {
                    explainedIds.put(anchored, "call " + call.index() + " anchored on " + m.desk() + "'s message (+"
                            + (m.createdAtMillis() - call.earliestCreatedAtMillis()) + " ms)");
                }
            }
        }
    }

    /** Every input position audited; every call a fact with all its desk messages (any id) in both outputs. */
    public List<String> inputLost(Observed o) {
        List<String> v = new ArrayList<>();
        List<String> unaudited = published.stream().map(Position::key).filter(k -> !o.auditOutcomes().containsKey(k))
                .toList();
        if (!unaudited.isEmpty()) {
            v.add(unaudited.size() + " of " + published.size() + " input positions have no audit row: "
                    + first(unaudited));
        }
        for (Call call : calls) {
            Set<String> messages = messagesOf(call);
            if (o.rows().stream().noneMatch(r -> r.messages().containsAll(messages))) {
                v.add(call.label() + ": no emergency_call row holds all its desk messages; its rows: "
                        + rowsOf(call, o));
            }
            if (o.facts().stream().noneMatch(r -> r.isFact() && r.messages().containsAll(messages))) {
                v.add(call.label() + ": no fact revision on the topic holds all its desk messages");
            }
        }
        return v;
    }

    /** Exactly one row per call: the deterministic id, notification_count = distinct desk messages. */
    public List<String> postgresContract(Observed o) {
        List<String> v = new ArrayList<>();
        if (o.rows().size() != calls.size()) {
            v.add("emergency_call has " + o.rows().size() + " rows for " + calls.size() + " calls");
        }
        for (Call call : calls) {
            List<FactRow> rows = rowsOf(call, o);
            List<FactRow> right = rows.stream().filter(r -> r.factId().equals(call.expectedFactId())).toList();
            if (right.isEmpty()) {
                v.add(call.label() + ": expected fact_id " + call.expectedFactId() + ", got " + describeRows(rows));
            } else if (right.get(0).notificationCount() != call.desk().size()) {
                v.add(call.label() + ": " + call.expectedFactId() + " has notification_count "
                        + right.get(0).notificationCount() + ", expected " + call.desk().size());
            }
            for (FactRow extra : rows) {
                if (!extra.factId().equals(call.expectedFactId())) {
                    v.add(call.label() + ": extra row " + extra + " = " + explain(extra.factId()));
                }
            }
        }
        for (FactRow r : o.rows()) {
            if (callsOf(r.messages()).isEmpty()) {
                v.add("row " + r + " holds no drill call's messages: " + r.messages());
            }
        }
        return v;
    }

    /** Live keys = expected ids (full count); every other key ends with a superseded record to its call's live id. */
    public List<String> kafkaContract(Observed o) {
        List<String> v = new ArrayList<>();
        Map<String, TopicRecord> last = lastRecordPerKey(o.facts(), v);
        Set<String> live = last.entrySet().stream().filter(e -> e.getValue().isFact()).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        for (Call call : calls) {
            TopicRecord r = last.get(call.expectedFactId());
            if (r == null || !r.isFact()) {
                v.add(call.label() + ": expected live key " + call.expectedFactId() + ", "
                        + (r == null ? "which has no record" : "which ends with " + r)
                        + "; live keys holding its messages: " + liveKeysOf(call, last));
            } else if (r.notificationCount() != call.desk().size()) {
                v.add(call.label() + ": live " + call.expectedFactId() + " ends with " + r + ", expected count "
                        + call.desk().size());
            }
        }
        for (Map.Entry<String, TopicRecord> e : last.entrySet()) {
            String key = e.getKey();
            TopicRecord r = e.getValue();
            if (callByExpectedId.containsKey(key)) {
                continue;
            }
            if (live.contains(key)) {
                v.add("key " + key + " is live (" + r + ") but is no call's id: " + explain(key));
            } else if (!r.isSuperseded()) {
                v.add("key " + key + " ends with " + r + " (" + explain(key) + "), neither a fact nor superseded");
            } else {
                Call target = callByExpectedId.get(r.supersededBy());
                if (target == null || !live.contains(r.supersededBy())) {
                    v.add("key " + key + " (" + explain(key) + ") is superseded by " + r.supersededBy()
                            + ", which is not a live expected id");
                } else if (!key.equals(r.factId())) {
                    v.add("key " + key + " carries a superseded record for fact_id " + r.factId());
                } else if (explainedIds.containsKey(key) && !explain(key).startsWith("call " + target.index() + " ")) {
                    v.add("key " + key + " (" + explain(key) + ") is superseded by another call's id: "
                            + target.label());
                }
            }
        }
        return v;
    }

    /** Exactly-once output: each (fact_id, revision) at most once for a read_committed consumer. */
    public List<String> duplicateRevisions(Observed o) {
        Map<String, Long> counts = o.facts().stream().filter(TopicRecord::isFact)
                .collect(Collectors.groupingBy(r -> r.key() + "@" + r.revision(), LinkedHashMap::new,
                        Collectors.counting()));
        List<String> dup = counts.entrySet().stream().filter(e -> e.getValue() > 1)
                .map(e -> e.getKey() + " ×" + e.getValue()).toList();
        return dup.isEmpty() ? List.of() : List.of(dup.size() + " fact revisions published more than once: "
                + first(dup));
    }

    /** One line per call: expected id, PostgreSQL rows, live and superseded keys. For reports and failures. */
    public String callTable(Observed o) {
        Map<String, TopicRecord> last = lastRecordPerKey(o.facts(), new ArrayList<>());
        StringBuilder s = new StringBuilder();
        for (Call call : calls) {
            List<String> superseded = last.entrySet().stream()
                    .filter(e -> e.getValue().isSuperseded()
                            && call.expectedFactId().equals(e.getValue().supersededBy()))
                    .map(Map.Entry::getKey).toList();
            s.append(String.format("  %-80s expected %s%n      postgres %s%n      kafka live %s, superseded %s%n",
                    call.label(), call.expectedFactId(), describeRows(rowsOf(call, o)), liveKeysOf(call, last),
                    superseded));
        }
        return s.toString();
    }

    /** Counts for the summary: rows, distinct live keys, topic records, audit rows. */
    public String counts(Observed o) {
        Map<String, TopicRecord> last = lastRecordPerKey(o.facts(), new ArrayList<>());
        long live = last.values().stream().filter(TopicRecord::isFact).count();
        long superseded = last.values().stream().filter(TopicRecord::isSuperseded).count();
        return calls.size() + " calls, " + o.rows().size() + " emergency_call rows, " + live + " live keys + "
                + superseded + " superseded keys on the topic (" + o.facts().size() + " records), "
                + o.auditOutcomes().size() + " audit rows for " + published.size() + " input records";
    }

    public String explain(String id) {
        Call call = callByExpectedId.get(id);
        if (call != null) {
            return "call " + call.index() + "'s expected id";
        }
        return explainedIds.getOrDefault(id, "an id no drill message anchors");
    }

    private Map<String, TopicRecord> lastRecordPerKey(List<TopicRecord> records, List<String> violations) {
        Map<String, TopicRecord> last = new LinkedHashMap<>();
        Map<String, Set<Integer>> partitions = new HashMap<>();
        for (TopicRecord r : records.stream().sorted(Comparator.comparingLong(TopicRecord::offset)).toList()) {
            last.put(r.key(), r);
            partitions.computeIfAbsent(r.key(), k -> new HashSet<>()).add(r.partition());
        }
        partitions.forEach((key, ps) -> {
            if (ps.size() > 1) {
                violations.add("key " + key + " is on several partitions " + ps + ": its order is undefined");
            }
        });
        return last;
    }

    private List<String> liveKeysOf(Call call, Map<String, TopicRecord> last) {
        return last.entrySet().stream()
                .filter(e -> e.getValue().isFact() && callsOf(e.getValue().messages()).contains(call))
                .map(e -> e.getKey()
                        + (e.getKey().equals(call.expectedFactId()) ? "" : " [" + explain(e.getKey()) + "]")
                        + " " + e.getValue())
                .toList();
    }

    private List<FactRow> rowsOf(Call call, Observed o) {
        return o.rows().stream().filter(r -> callsOf(r.messages()).contains(call)).toList();
    }

    private String describeRows(List<FactRow> rows) {
        if (rows.isEmpty()) {
            return "no row";
        }
        return rows.stream().map(r -> r + (callByExpectedId.containsKey(r.factId()) ? "" : " [" + explain(r.factId())
                + "]")).collect(Collectors.joining(", "));
    }

    private Set<Call> callsOf(Set<String> messages) {
        return messages.stream().map(callByMessage::get).filter(c -> c != null).collect(Collectors.toSet());
    }

    private static Set<String> messagesOf(Call call) {
        return call.desk().stream().map(m -> Observed.messageKey(m.chatId(), m.messageId()))
                .collect(Collectors.toSet());
    }

    private static String first(List<String> items) {
        return items.size() <= MAX_LISTED ? items.toString()
                : items.subList(0, MAX_LISTED) + " and " + (items.size() - MAX_LISTED) + " more";
    }
}
