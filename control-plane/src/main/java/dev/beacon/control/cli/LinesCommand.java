package dev.beacon.control.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.beacon.control.lines.LineView;
import dev.beacon.control.lines.LinesReport;
import dev.beacon.control.lines.NewLine;
import dev.beacon.control.lines.SyncView;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code beaconctl lines …}: security lines whose incoming calls become facts ({@code /api/lines}). */
@Command(name = "lines", mixinStandardHelpOptions = true,
            description = {"Add, list and remove security lines.",
        "An Azure Communication Services IncomingCall to a configured line becomes a fact (kind security-line). "
                + "A line is a phone number (+E.164) or a Teams resource account (28:orgid:<object id>); the "
                + "leader fills in the resource account's name, UPN, number and ACS resource id from Graph "
                + "(every BEACON_RESOURCE_ACCOUNTS_SYNC_INTERVAL; needs TeamsResourceAccount.Read.All)."},
        subcommands = {LinesCommand.Add.class, LinesCommand.ListCmd.class, LinesCommand.Remove.class})
final class LinesCommand extends BeaconCtl.Sub implements Callable<Integer> {

    @Override
    public Integer call() {
        spec.commandLine().usage(out());
        return 2;
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add a line to an integration (or rename it); published on Kafka "
            + "(beacon-security-lines) before the command returns.")
    static final class Add extends BeaconCtl.Sub implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "INTEGRATION")
        String integration;
        @Parameters(index = "1", paramLabel = "LINE", description = "+15550100 or 28:orgid:<guid>")
        String line;
        @Option(names = "--name", description = "What to call the line while Graph has no resource account for it.")
        String name;

        @Override
        public Integer call() {
            LineView v = api().post("/api/integrations/" + seg(integration) + "/lines", new NewLine(line, name),
                    new TypeReference<>() { });
            out().println("Line " + v.lineId() + " of " + v.integrationId() + " stored and published"
                    + (v.displayName() == null ? "" : " as \"" + v.displayName() + "\"")
                    + (v.resourceAccountMatched() ? " (Teams resource account)." : "."));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List lines and the resource-account syncs.")
    static final class ListCmd extends BeaconCtl.Sub implements Callable<Integer> {
        @Option(names = "--integration", description = "Only this integration's.")
        String integration;

        @Override
        public Integer call() {
            LinesReport r = api().get("/api/lines" + (integration == null ? ""
                    : "?integration=" + URLEncoder.encode(integration, StandardCharsets.UTF_8)),
                    new TypeReference<>() { });
            var now = now();
            TextTable t = new TextTable("LINE", "INTEGRATION", "NAME", "PUBLISHED AS", "UPN", "PHONE",
                    "ACS RESOURCE", "RESOURCE ACCOUNT");
            for (LineView l : r.lines()) {
                t.row(l.lineId(), l.integrationId(), l.name(), l.displayName(), l.userPrincipalName(),
                        l.phoneNumber(), l.acsResourceId(), l.resourceAccountMatched() ? "yes" : "no");
            }
            out().print(t.isEmpty() ? "No security lines.\n" : t.render());
            if (!r.resourceAccountSyncs().isEmpty()) {
                TextTable s = new TextTable("INTEGRATION", "RESOURCE ACCOUNTS SYNC", "ACCOUNTS", "LAST ATTEMPT",
                        "LAST SUCCESS", "DETAIL");
                for (SyncView v : r.resourceAccountSyncs()) {
                    s.row(v.integrationId(), v.status(), v.accounts(), TextTable.relative(v.lastAttemptAt(), now),
                            TextTable.relative(v.lastSuccessAt(), now), v.detail());
                }
                out().println();
                out().print(s.render());
            }
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove a line (a tombstone on beacon-security-lines).")
    static final class Remove extends BeaconCtl.Sub implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "INTEGRATION")
        String integration;
        @Parameters(index = "1", paramLabel = "LINE")
        String line;

        @Override
        public Integer call() {
            api().delete("/api/integrations/" + seg(integration) + "/lines?line="
                    + URLEncoder.encode(line, StandardCharsets.UTF_8));
            out().println("Removed line " + line + " from " + integration + ".");
            return 0;
        }
    }
}
