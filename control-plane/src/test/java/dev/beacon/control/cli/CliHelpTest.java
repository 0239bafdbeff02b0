package dev.beacon.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.control.settings.EnvSettingDoc;
import dev.beacon.control.settings.EnvSettingDocs;
import dev.beacon.control.testing.MutableClock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command in the tree answers --help, -h and 'help <command>' with its usage and exit 0. */
class CliHelpTest {

    record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // no server, no token: help must need neither
        int exit = BeaconCtl.commandLine(Map.of(), new MutableClock(Instant.parse("2026-11-22T10:00:00Z")))
                .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** Paths of every command below the root, e.g. [integrations, add]; walked, so commands added later count. */
    static List<List<String>> commandPaths() {
        List<List<String>> paths = new ArrayList<>();
        walk(BeaconCtl.commandLine(Map.of(), new MutableClock(Instant.EPOCH)), new ArrayList<>(), paths);
        return paths;
    }

    private static void walk(CommandLine cmd, List<String> path, List<List<String>> paths) {
        paths.add(List.copyOf(path));
        cmd.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandName().equals(name)) { // aliases once
                path.add(name);
                walk(sub, path, paths);
                path.remove(path.size() - 1);
            }
        });
    }

    @Test
    void everyCommandAnswersHelpWithUsageAndExitZero() {
        List<List<String>> paths = commandPaths();
        assertThat(paths).as("the tree as measured in issue 11, and more").hasSizeGreaterThan(25)
                .contains(List.of("subscriptions", "delete"), List.of("db", "migrate"), List.of("serve"),
                        List.of("ingress"), List.of("help"));
        for (List<String> path : paths) {
            String usage = "Usage: beaconctl" + (path.isEmpty() ? "" : " " + String.join(" ", path));
            for (String flag : List.of("--help", "-h")) {
                List<String> args = new ArrayList<>(path);
                args.add(flag);
                Run r = run(args.toArray(String[]::new));
                assertThat(r.exit()).as(args.toString() + " exit").isZero();
                assertThat(r.err()).as(args.toString() + " stderr").isEmpty();
                assertThat(r.out()).as(args.toString() + " usage").contains(usage);
            }
            if (!path.isEmpty()) {
                List<String> args = new ArrayList<>(List.of("help"));
                args.addAll(path);
                Run r = run(args.toArray(String[]::new));
                assertThat(r.exit()).as(args.toString() + " exit").isZero();
                assertThat(r.out()).as(args.toString()).contains(usage);
            }
        }
    }

    @Test
    void helpAloneListsTheCommands() {
        Run r = run("help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("Usage: beaconctl").contains("Commands:", "  help ", "  subscriptions ",
                "  serve ", "Environment (the CLI as a client):", "  BEACON_SERVER (default: http://127.0.0.1:8080)");
    }

    @Test
    void serveMigrateAndIngressListTheirEnvironmentWithDefaults() {
        assertThat(run("serve", "--help").out()).contains(lines(EnvSettingDocs.SERVICE))
                .contains("Environment (settings of the service):")
                .contains("\n  BEACON_HTTP_PORT (default: 8080)\n      admin API port (0: any)\n")
                .contains("\n  BEACON_VAULT_KEY[_FILE] (required)\n"
                        + "      base64 AES-256 key sealing tokens and keys\n");
        assertThat(run("db", "migrate", "--help").out()).contains(lines(EnvSettingDocs.MIGRATE))
                .contains("BEACON_JDBC_PASSWORD[_FILE]").doesNotContain("BEACON_HTTP_PORT");
        assertThat(run("ingress", "--help").out()).contains(lines(EnvSettingDocs.INGRESS))
                .contains("\n  BEACON_INGRESS_PORT (default: 8088)\n      port (0: any)\n");
        assertThat(run("status", "--help").out()).doesNotContain("Environment");
    }

    private static String[] lines(List<EnvSettingDoc> docs) {
        return EnvSettingDocs.helpLines(docs).toArray(String[]::new);
    }
}
