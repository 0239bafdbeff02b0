package dev.beacon.job.correlate;

import dev.beacon.job.reference.ReferenceUpdate;
import java.util.Locale;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns directory users (keyed by their directory key, {@code tenant|userId}) into {@link UpnEntry UPN index
 * entries} for {@link CallerResolver}: a user's UPN entry, and the removal of the entry under its previous UPN when
 * the UPN changed or the user was deleted (a tombstone names only the user, so the previous UPN is kept here).
 */
public class UpnIndex extends KeyedProcessFunction<String, ReferenceUpdate, UpnEntry> {

    private transient ValueState<String> indexedUnder;

    /** {@code tenant|lower(upn)}: where {@link CallerResolver} keeps a UPN's user. */
    public static String key(String tenantId, String upn) {
        return tenantId + "|" + (upn == null ? "" : upn.trim().toLowerCase(Locale.ROOT));
    }

    @Override
    public void open(OpenContext openContext) {
        indexedUnder = getRuntimeContext().getState(new ValueStateDescriptor<>("indexed-under", Types.STRING));
    }

    @Override
    public void processElement(ReferenceUpdate u, Context ctx, Collector<UpnEntry> out) throws Exception {
        if (u.kind != ReferenceUpdate.Kind.DIRECTORY_USER) {
            return;
        }
        String previous = indexedUnder.value();
        String next = u.user == null || u.user.userPrincipalName == null || u.user.userPrincipalName.isBlank()
                ? null : key(u.user.tenantId, u.user.userPrincipalName);
        if (previous != null && !previous.equals(next)) {
            out.collect(new UpnEntry(previous, null));
        }
        if (next == null) {
            indexedUnder.clear();
            return;
        }
        out.collect(new UpnEntry(next, u.user.userId));
        indexedUnder.update(next);
    }
}
