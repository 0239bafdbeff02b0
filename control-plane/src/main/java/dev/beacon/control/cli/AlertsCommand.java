package dev.beacon.control.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.beacon.control.ControlPlaneSettings;
import dev.beacon.control.alerts.AddedAlertRoute;
import dev.beacon.control.alerts.AlertRoute;
import dev.beacon.control.alerts.NewAlertRoute;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code beaconctl alerts …}: where an integration's emergency-call alerts go ({@code /api/alerts}). */
@Command(name = "alerts", mixinStandardHelpOptions = true,
        description = {"Add, list, test and remove alert routes (docs/alerts.md).",
        "A route sends one alert per call, and an update on each new revision, to a signed webhook, a Microsoft "
                + "Teams incoming webhook / Workflows URL (Adaptive Card) or e-mail (BEACON_SMTP_*). Webhook and "
                + "Teams URLs are secrets: give them in a file or BEACON_ALERT_URL[_FILE], never as an argument."},
        subcommands = {AlertsCommand.Add.class, AlertsCommand.ListCmd.class, AlertsCommand.Remove.class,
                AlertsCommand.Test.class})
final class AlertsCommand extends BeaconCtl.Sub implements Callable<Integer> {

    @Override
    public Integer call() {
        spec.commandLine().usage(out());
        return 2;
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add a route to an integration: exactly one of --webhook-url-file, --teams-url-file, "
                    + "--email.")
    static final class Add extends BeaconCtl.Sub implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "INTEGRATION")
        String integration;
        @Parameters(index = "1", paramLabel = "ROUTE", description = "A name for the route (letters, digits, . _ -).")
        String route;

        @ArgGroup(exclusive = true, multiplicity = "0..1")
        Target target;

        static final class Target {
            @Option(names = "--webhook-url-file", paramLabel = "FILE",
                    description = "A file holding the webhook's https URL.")
            Path webhookUrlFile;
            @Option(names = "--teams-url-file", paramLabel = "FILE",
                    description = "A file holding the Teams incoming-webhook or Workflows URL.")
            Path teamsUrlFile;
            @Option(names = "--email", paramLabel = "ADDRESS", split = ",",
                    description = "Recipients; repeat or separate with commas.")
            List<String> email;
        }

        @Option(names = "--webhook", description = "Webhook route, URL from BEACON_ALERT_URL[_FILE].")
        boolean webhookFromEnv;
        @Option(names = "--teams", description = "Teams route, URL from BEACON_ALERT_URL[_FILE].")
        boolean teamsFromEnv;
        @Option(names = "--secret-file", paramLabel = "FILE", description = "Webhook HMAC secret (16+ characters); "
                + "else BEACON_ALERT_SECRET[_FILE]; else one is generated and shown once.")
        Path secretFile;
        @Option(names = "--calls", defaultValue = "real", paramLabel = "real|test|both",
                description = "Which calls: real (default), test (933 / test calls) or both.")
        String calls;

        @Override
        public Integer call() {
            Map<String, String> env = root.env();
            String channel;
            String url = null;
            List<String> recipients = null;
            if (target != null && target.email != null) {
                channel = "email";
                recipients = new ArrayList<>(target.email);
            } else if (target != null && target.webhookUrlFile != null) {
                channel = "webhook";
                url = BeaconCtl.readSecretFile(target.webhookUrlFile, "--webhook-url-file");
            } else if (target != null && target.teamsUrlFile != null) {
                channel = "teams";
                url = BeaconCtl.readSecretFile(target.teamsUrlFile, "--teams-url-file");
            } else if (webhookFromEnv || teamsFromEnv) {
                channel = webhookFromEnv ? "webhook" : "teams";
                url = ControlPlaneSettings.secret(env, "BEACON_ALERT_URL").orElseThrow(() ->
                        new IllegalArgumentException("set BEACON_ALERT_URL or BEACON_ALERT_URL_FILE"));
            } else {
                throw new IllegalArgumentException("give --webhook-url-file, --teams-url-file or --email");
            }
            String secret = null;
            if ("webhook".equals(channel)) {
                secret = secretFile != null ? BeaconCtl.readSecretFile(secretFile, "--secret-file")
                        : ControlPlaneSettings.secret(env, "BEACON_ALERT_SECRET").orElse(null);
            }
            AddedAlertRoute added = api().post("/api/integrations/" + enc(integration) + "/alerts",
                    new NewAlertRoute(route, channel, calls, url, secret, recipients), new TypeReference<>() { });
            AlertRoute r = added.route();
            out().println("Alert route " + r.routeId() + " (" + r.channel() + ", " + r.calls() + " calls) added to "
                    + r.integrationId() + ": " + r.target());
            if (added.generatedSecret() != null) {
                out().println("Webhook signing secret (shown once; give it to the receiver): "
                        + added.generatedSecret());
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List alert routes (URLs redacted).")
    static final class ListCmd extends BeaconCtl.Sub implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", paramLabel = "INTEGRATION", description = "Only this one's.")
        String integration;

        @Override
        public Integer call() {
            List<AlertRoute> routes = api().get("/api/alerts" + (integration == null ? ""
                    : "?integration=" + enc(integration)), new TypeReference<>() { });
            var now = root.clock().instant();
            TextTable t = new TextTable("ROUTE", "INTEGRATION", "CHANNEL", "CALLS", "TARGET", "FAILING");
            for (AlertRoute r : routes) {
                t.row(r.routeId(), r.integrationId(), r.channel(), r.calls(), r.target(), r.failingSince() == null
                        ? "no" : "since " + TextTable.relative(r.failingSince(), now) + " (" + r.failingDetail() + ")");
            }
            out().print(t.isEmpty() ? "No alert routes.\n" : t.render());
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove an alert route.")
    static final class Remove extends BeaconCtl.Sub implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "INTEGRATION")
        String integration;
        @Parameters(index = "1", paramLabel = "ROUTE")
        String route;

        @Override
        public Integer call() {
            api().delete("/api/integrations/" + enc(integration) + "/alerts/" + enc(route));
            out().println("Removed alert route " + route + " from " + integration + ".");
            return 0;
        }
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = "Send a sample alert (marked as a test call, not recorded) on a route now.")
    static final class Test extends BeaconCtl.Sub implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "INTEGRATION")
        String integration;
        @Parameters(index = "1", paramLabel = "ROUTE")
        String route;

        @Override
        public Integer call() {
            api().post("/api/integrations/" + enc(integration) + "/alerts/" + enc(route) + "/test", Map.of(),
                    new TypeReference<Map<String, Object>>() { });
            out().println("Sample alert delivered on route " + route + ".");
            return 0;
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
