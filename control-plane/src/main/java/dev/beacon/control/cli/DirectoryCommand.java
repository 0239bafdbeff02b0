package dev.beacon.control.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.beacon.control.directory.DirectorySyncView;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code beaconctl directory …}: the directory sync ({@code /users/delta} to the {@code beacon-directory} topic). */
@Command(name = "directory", description = "The directory sync: users from Graph for enriching facts.",
        subcommands = DirectoryCommand.Sync.class)
final class DirectoryCommand extends BeaconCtl.Sub implements Callable<Integer> {

    @Override
    public Integer call() {
        spec.commandLine().usage(out());
        return 2;
    }

    @Command(name = "sync", description = {"Sync an integration's directory now (its leader runs it at its next "
            + "round).", "Reads only the changes since the last sync when Graph still knows its delta link."})
    static final class Sync extends BeaconCtl.Sub implements Callable<Integer> {
        @Parameters(paramLabel = "INTEGRATION")
        String integration;

        @Override
        public Integer call() {
            DirectorySyncView v = api().post("/api/integrations/" + seg(integration) + "/directory-sync", null,
                    new TypeReference<>() { });
            out().println("Directory sync of " + v.integrationId() + " requested; its leader runs it at its next "
                    + "round.");
            out().print(table(List.of(v), now()).render());
            return 0;
        }
    }

    /** The status section (and the answer of {@code directory sync}). */
    static TextTable table(List<DirectorySyncView> views, Instant now) {
        TextTable t = new TextTable("INTEGRATION", "STATUS", "LAST SYNC", "PUBLISHED", "MODE", "NEXT ATTEMPT",
                "DETAIL");
        for (DirectorySyncView d : views) {
            t.row(d.integrationId(), d.status() == null ? "pending" : d.status(),
                    TextTable.relative(d.lastSyncedAt(), now), d.usersPublished(),
                    d.incremental() ? "delta" : "full next",
                    d.requestedAt() != null ? "requested" : TextTable.relative(d.nextAttemptAt(), now), d.detail());
        }
        return t;
    }
}
