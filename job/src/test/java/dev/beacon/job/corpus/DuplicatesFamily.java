package dev.beacon.job.corpus;

import static dev.beacon.job.corpus.Corpus.MALFORMED_JSON;
import static dev.beacon.job.corpus.Corpus.dead;
import static dev.beacon.job.corpus.Corpus.ignored;
import static dev.beacon.job.corpus.Corpus.items;
import static dev.beacon.job.corpus.Corpus.lifecycle;
import static dev.beacon.job.corpus.Corpus.needsHydration;
import static dev.beacon.job.corpus.Corpus.validation;
import static dev.beacon.job.corpus.Corpus.whole;
import static dev.beacon.job.corpus.CorpusKit.SUB_A;
import static dev.beacon.job.corpus.CorpusKit.SUB_B;
import static dev.beacon.job.corpus.CorpusKit.chat;
import static dev.beacon.job.corpus.CorpusKit.value;

import dev.beacon.job.corpus.Corpus.Table;

/**
 * Redeliveries of everything that is not a call (the calls' redeliveries, edits, deletions and reorderings are in
 * {@link ValidCallsFamily}): each delivery is a record of its own at its own position and gets its own outcome,
 * the same each time. Split across both partitions.
 */
final class DuplicatesFamily {

    private DuplicatesFamily() {}

    static Table build(CorpusKit kit) {
        Table t = new Table("duplicates", 0);
        byte[] validation = kit.collection(kit.validationItem());
        byte[] lifecycle = kit.collection(kit.lifecycleItem(SUB_B, "missed"));
        byte[] hydration = kit.collection(kit.basic(SUB_A, "created", chat("dup-hydration"), kit.messageId()));
        byte[] deletion = kit.collection(kit.basic(SUB_A, "deleted", chat("dup-deletion"), kit.messageId()));
        String malformed = "{\"value\":[{\"changeType\":\"created\",";
        for (int p = 0; p < Corpus.PARTITIONS; p++) {
            t.partition(p);
            t.row("validation record, delivery " + (p + 1), value(validation), items(validation()));
            t.row("lifecycle notification, delivery " + (p + 1), value(lifecycle), items(lifecycle()));
            t.row("notification without resource data, delivery " + (p + 1), value(hydration),
                    items(needsHydration()));
            t.row("deletion of an unknown message, delivery " + (p + 1), value(deletion), items(ignored()));
            t.row("malformed record, delivery " + (p + 1), value(malformed), whole(dead(MALFORMED_JSON)));
        }
        byte[] chatter = kit.collection(kit.rich(SUB_A, "created", kit.chatter(chat("dup-chatter"), "same again")));
        t.partition(0).row("chatter, delivery 1", value(chatter), items(ignored()));
        t.partition(1).row("chatter, delivery 2 (other partition)", value(chatter), items(ignored()));
        t.partition(0).row("chatter, delivery 3", value(chatter), items(ignored()));
        return t;
    }
}
