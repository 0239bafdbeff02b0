package dev.beacon.control.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.beacon.contracts.secrets.SecretSource;
import dev.beacon.control.ControlPlaneSettings;
import dev.beacon.control.ops.CertificateView;
import dev.beacon.control.ops.DesiredSubscriptionView;
import dev.beacon.control.ops.BackfillView;
import dev.beacon.control.ops.GapView;
import dev.beacon.control.ops.IntegrationView;
import dev.beacon.control.ops.LoginView;
import dev.beacon.control.ops.NewIntegration;
import dev.beacon.control.ops.HydrationView;
import dev.beacon.control.ops.StatusReport;
import dev.beacon.control.ops.SubscriptionView;
import dev.beacon.control.ops.TokenView;
import dev.beacon.control.settings.EnvSettingDoc;
import dev.beacon.control.settings.EnvSettingDocs;
import dev.beacon.control.store.Database;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code beaconctl}: the operator's command line. Most commands talk to a running control plane over its admin API
 * ({@code --server}, admin token from {@code BEACON_ADMIN_TOKEN[_FILE]} or {@code --admin-token-file});
 * {@code db migrate} and {@code serve} work on the settings directly.
 *
 * <p>Secrets (client secrets, certificate passwords, the admin token) are read only from files or the
 * environment, never from argument values, which end up in shell history and process lists.
 *
 * <p>Exit codes: 0 success, 1 failure (API error, sign-in not completed), 2 usage error.
 */
// scope INHERIT: every subcommand, including ones added later anywhere in the tree, gets --help/-h and --version
@Command(name = "beaconctl", mixinStandardHelpOptions = true, version = "beaconctl 0.1", scope = ScopeType.INHERIT,
        description = "Operate the Beacon control plane.",
        subcommands = {HelpCommand.class, BeaconCtl.Login.class, BeaconCtl.Status.class, BeaconCtl.Integrations.class,
                BeaconCtl.Subscriptions.class, BeaconCtl.Backfill.class, BeaconCtl.Certs.class, BeaconCtl.Db.class, BeaconCtl.Serve.class,
                BeaconCtl.Ingress.class, DirectoryCommand.class, SitesCommand.class, LinesCommand.class, AlertsCommand.class})
public final class BeaconCtl implements Callable<Integer> {

    private static volatile ServiceLauncher launcherOverride;

    private final Map<String, String> env;
    final Clock clock; // DirectoryCommand too

    @Spec
    CommandSpec spec;

    @Option(names = "--server", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "Control plane URL (default: BEACON_SERVER or http://127.0.0.1:8080).")
    URI server;

    @Option(names = "--admin-token-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "File holding the admin token (default: BEACON_ADMIN_TOKEN or BEACON_ADMIN_TOKEN_FILE).")
    Path adminTokenFile;

    public BeaconCtl(Map<String, String> env, Clock clock) {
        this.env = Map.copyOf(env);
        this.clock = clock;
    }

    public static void main(String[] args) {
        CommandLine cmd = commandLine(System.getenv(), Clock.systemUTC());
        int exit = cmd.execute(args);
        // picocli's writers flush on println only; tables end with print, and System.exit drops unflushed output
        cmd.getOut().flush();
        cmd.getErr().flush();
        System.exit(exit);
    }

    /** The configured command line; tests call {@code execute} on it with their own output writers. */
    public static CommandLine commandLine(Map<String, String> env, Clock clock) {
        BeaconCtl root = new BeaconCtl(env, clock);
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        CommandLine cl = new CommandLine(root, new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                K k = defaults.create(cls);
                if (k instanceof Sub s) {
                    s.root = root;
                }
                return k;
            }
        });
        documentEnvironment(cl);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // Expected failures get one line; anything else its class too, never a stack trace of secrets.
            String msg = e instanceof ApiClient.ApiException || e instanceof IllegalArgumentException
                    ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
            commandLine.getErr().println("error: " + msg);
            return 1;
        });
        return cl;
    }

    /**
     * Adds an "Environment" section to the usage of the root (client variables), {@code serve}, {@code db migrate}
     * and {@code ingress}, generated from {@link EnvSettingDocs} so the help lists what the code reads.
     */
    private static void documentEnvironment(CommandLine cl) {
        footer(cl, EnvSettingDocs.CLIENT, "Environment (the CLI as a client):");
        footer(cl.getSubcommands().get("serve"), EnvSettingDocs.SERVICE, "Environment (settings of the service):");
        footer(cl.getSubcommands().get("db").getSubcommands().get("migrate"), EnvSettingDocs.MIGRATE,
                "Environment:");
        footer(cl.getSubcommands().get("ingress"), EnvSettingDocs.INGRESS, "Environment (settings of the ingress):");
    }

    private static void footer(CommandLine cmd, List<EnvSettingDoc> docs, String heading) {
        var usage = cmd.getCommandSpec().usageMessage();
        usage.footerHeading("%n" + heading + "%n");
        // one line per setting and one for its meaning, unwrapped (picocli's default is 80 columns)
        usage.width(Math.max(usage.width(), EnvSettingDocs.helpWidth(docs)));
        // picocli formats usage text: a '%' in a meaning or default must not become a format specifier
        usage.footer(EnvSettingDocs.helpLines(docs).stream().map(l -> l.replace("%", "%%")).toArray(String[]::new));
    }

    /** Lets the service wiring (or a test) provide {@code serve}'s launcher without ServiceLoader. */
    public static void useServiceLauncher(ServiceLauncher launcher) {
        launcherOverride = launcher;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    Map<String, String> env() { // AlertsCommand: BEACON_ALERT_URL[_FILE], BEACON_ALERT_SECRET[_FILE]
        return env;
    }

    Clock clock() {
        return clock;
    }

    private ApiClient api;

    /** One client per run, so the server time of its last answer is at hand ({@link Sub#now()}). */
    synchronized ApiClient api() {
        if (api == null) {
            api = newApi();
        }
        return api;
    }

    private ApiClient newApi() {
        URI base = server != null ? server
                : URI.create(Optional.ofNullable(env.get("BEACON_SERVER")).filter(s -> !s.isBlank())
                        .orElse("http://127.0.0.1:8080"));
        String token = adminTokenFile != null ? readSecretFile(adminTokenFile, "--admin-token-file")
                : ControlPlaneSettings.secret(env, "BEACON_ADMIN_TOKEN").orElse(null);
        return new ApiClient(base, token);
    }

    /** A secret file named by an option, by the same file rule as NAME_FILE ({@link SecretSource#readFile}). */
    static String readSecretFile(Path file, String what) {
        return SecretSource.readFile(what, file);
    }

    /**
     * Base of every subcommand: the root (settings, API, server time) and the output writer. {@code --help},
     * {@code -h} and {@code --version} come from the root's {@code scope = INHERIT}, for every command in the tree,
     * this base or not; {@code CliHelpTest} walks the tree to prove it.
     */
    abstract static class Sub {
        BeaconCtl root;

        @Spec
        CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        ApiClient api() {
            return root.api();
        }

        /** "Now" for relative times: the server's clock at its last answer, else this machine's. */
        java.time.Instant now() {
            return root.api().serverTime().orElseGet(root.clock::instant);
        }

        /**
         * For a server whose clock runs faster than real time (the local demo): how long until {@code at} in real
         * time, e.g. " (15m00s real time; the server's clock runs 1200x)"; empty for a normal server.
         */
        String realTime(java.time.Instant at) {
            double rate = api().clockRate();
            if (rate == 1 || at == null) {
                return "";
            }
            long realMillis = (long) (java.time.Duration.between(now(), at).toMillis() / rate);
            if (realMillis <= 0) {
                return "";
            }
            String rateText = rate == Math.rint(rate) ? Long.toString((long) rate) : Double.toString(rate);
            return " (" + TextTable.span(java.time.Duration.ofMillis(realMillis)) + " real time; the server's clock "
                    + "runs " + rateText + "x)";
        }

        /** An id as one URL path segment ({@link ApiClient#segment}). */
        static String seg(String id) {
            return ApiClient.segment(id);
        }
    }

    @Command(name = "login", description = {"Sign an integration in and wait for the result.",
            "device-code: shows Microsoft's URL and a code to enter there.",
            "auth-code: prints a one-time link (10 minutes) to open in a browser; no admin token needed there."})
    static final class Login extends Sub implements Callable<Integer> {
        @Parameters(paramLabel = "INTEGRATION")
        String integration;

        @Option(names = "--poll-interval", defaultValue = "5s", paramLabel = "DURATION",
                description = "How often to ask for the result (default ${DEFAULT-VALUE}).")
        String pollInterval;

        @Option(names = "--timeout", defaultValue = "20m", paramLabel = "DURATION",
                description = "Give up after this long (default ${DEFAULT-VALUE}).")
        String timeout;

        @Override
        public Integer call() throws InterruptedException {
            Duration interval = ControlPlaneSettings.parseDuration(pollInterval);
            long maxPolls = Math.max(1, ControlPlaneSettings.parseDuration(timeout).toMillis()
                    / Math.max(1, interval.toMillis()));
            String path = "/api/integrations/" + seg(integration) + "/login";
            LoginView v = api().post(path, null, new TypeReference<>() { });
            if (v.verificationUri() != null) {
                out().println("Open:  " + v.verificationUri());
            }
            if (v.userCode() != null) {
                out().println("Code:  " + v.userCode());
            }
            if (v.message() != null) {
                out().println(v.message());
            }
            if (v.expiresAt() != null) {
                out().println((v.userCode() != null ? "The code" : "The link") + " expires "
                        + TextTable.relative(v.expiresAt(), now()) + realTime(v.expiresAt()) + ".");
            }
            out().println("Waiting for the sign-in...");
            out().flush();
            String lastPhase = v.phase();
            for (long i = 0; !v.finished() && i < maxPolls; i++) {
                Thread.sleep(interval.toMillis());
                v = api().get(path, new TypeReference<>() { });
                if (!v.phase().equals(lastPhase) && !v.finished()) {
                    out().println("  " + v.phase() + (v.detail() == null ? "" : ": " + v.detail()));
                    out().flush();
                }
                lastPhase = v.phase();
            }
            if ("signed-in".equals(v.phase())) {
                out().println("Signed in as " + (v.username() == null ? "(unknown account)" : v.username()) + ".");
                return 0;
            }
            if (!v.finished()) {
                out().println("Still " + v.phase() + " after " + timeout + "; run 'beaconctl login " + integration
                        + "' again to see the outcome.");
                return 1;
            }
            out().println("Sign-in ended: " + v.phase() + (v.detail() == null ? "" : ": " + v.detail()));
            return 1;
        }
    }

    @Command(name = "status", description = "Integrations, tokens, subscriptions and open gaps at a glance.")
    static final class Status extends Sub implements Callable<Integer> {
        @Option(names = "--json", description = "Print the raw JSON report.")
        boolean json;

        @Override
        public Integer call() {
            if (json) {
                out().println(api().getRaw("/api/status"));
                return 0;
            }
            StatusReport r = api().get("/api/status", new TypeReference<>() { });
            var now = r.generatedAt();
            out().println("Beacon control plane status (answered by " + r.replicaId() + " at " + now + ")");
            out().println();
            TextTable integrations = new TextTable("INTEGRATION", "STATUS", "AUTH", "LEADER", "NEEDS HUMAN",
                    "DETAIL");
            for (IntegrationView i : r.integrations()) {
                // flags (e.g. backfill-uncovered) lead the detail: conditions ops must see besides the status
                List<String> detail = new ArrayList<>(i.flags());
                if (i.statusDetail() != null) {
                    detail.add(i.statusDetail());
                }
                integrations.row(i.id(), i.status(), i.authMode(), i.leader(), i.needsHuman() ? "YES" : "no",
                        detail.isEmpty() ? null : String.join("; ", detail));
            }
            section("Integrations", integrations);
            TextTable tokens = new TextTable("INTEGRATION", "ACCOUNT", "ACCESS TOKEN", "REFRESHED", "SIGN IN AGAIN",
                    "DETAIL");
            for (TokenView t : r.tokens()) {
                tokens.row(t.integrationId(), t.username() != null ? t.username() : t.homeAccountId(),
                        expiry(t.accessExpiresAt(), now), TextTable.relative(t.refreshedAt(), now),
                        t.needsInteraction() ? "YES" : t.refreshTokenNearExpiry() ? "soon" : "no", t.detail());
            }
            section("Tokens", tokens);
            section("Subscriptions", subscriptionTable(r.subscriptions(), now));
            TextTable gaps = new TextTable("GAP", "INTEGRATION", "RESOURCE", "SUBSCRIPTION", "SINCE", "REASON");
            for (GapView g : r.openGaps()) {
                gaps.row(g.gapId(), g.integrationId(), g.resource(), g.subscriptionId(),
                        TextTable.relative(g.from(), now), g.reason());
            }
            section("Open gaps", gaps);
            if (!r.backfills().isEmpty()) {
                section("Backfill", backfillTable(r.backfills(), now));
            }
            if (!r.directorySyncs().isEmpty()) {
                section("Directory sync", DirectoryCommand.table(r.directorySyncs(), now));
            }
            if (r.hydration() != null) {
                section("Hydration (this replica)", hydrationTable(r.hydration(), now));
            }
            return 0;
        }

        private void section(String title, TextTable t) {
            out().println(title);
            out().print(t.isEmpty() ? "  (none)\n" : t.render());
            out().println();
        }
    }

    static String expiry(java.time.Instant at, java.time.Instant now) {
        if (at == null) {
            return "-";
        }
        return at.isBefore(now) ? "expired " + TextTable.relative(at, now) : "expires " + TextTable.relative(at, now);
    }

    static TextTable subscriptionTable(List<SubscriptionView> subs, java.time.Instant now) {
        TextTable t = new TextTable("SUBSCRIPTION", "INTEGRATION", "POLICY", "STATE", "EXPIRES", "RENEWALS",
                "FAILURES", "LAST NOTIFICATION", "LAST ERROR");
        for (SubscriptionView s : subs) {
            // POLICY: the emergency calling policy of an emergency-call-event subscription, "-" for chats
            t.row(s.subscriptionId(), s.integrationId(), s.policyName() == null ? "-" : s.policyName(), s.state(),
                    TextTable.relative(s.expiresAt(), now),
                    s.renewalCount(), s.failureCount(), TextTable.relative(s.lastNotificationAt(), now),
                    s.lastError());
        }
        return t;
    }

    @Command(name = "integrations", description = "Add, list and remove integrations (tenants).",
            subcommands = {Integrations.Add.class, Integrations.ListCmd.class, Integrations.Remove.class,
                    Integrations.SetPolicies.class, Integrations.SetBackfillUsers.class})
    static final class Integrations extends Sub implements Callable<Integer> {
        @Override
        public Integer call() {
            spec.commandLine().usage(out());
            return 2;
        }

        @Command(name = "add", description = "Connect a tenant. Secrets are read from files (or the environment).")
        static final class Add extends Sub implements Callable<Integer> {
            @Option(names = "--id", required = true, description = "Slug, e.g. contoso (also the callback org_id).")
            String id;
            @Option(names = "--name", description = "Display name.")
            String name;
            @Option(names = "--tenant", required = true, description = "Entra tenant id or verified domain.")
            String tenant;
            @Option(names = "--client-id", required = true, description = "App registration (application) id.")
            String clientId;
            @Option(names = "--auth-mode", required = true,
                    description = "device-code, auth-code or client-credentials.")
            String authMode;
            @Option(names = "--client-secret-file", paramLabel = "FILE",
                    description = "File holding the client secret (else BEACON_CLIENT_SECRET).")
            Path clientSecretFile;
            @Option(names = "--certificate-file", paramLabel = "P12", description = "PKCS12 client certificate.")
            Path certificateFile;
            @Option(names = "--certificate-password-file", paramLabel = "FILE",
                    description = "File holding the PKCS12 password (else BEACON_CERTIFICATE_PASSWORD).")
            Path certificatePasswordFile;
            @Option(names = "--resource", paramLabel = "R",
                    description = "Graph resource to subscribe to; repeat for several (default: the server's).")
            List<String> resources = new ArrayList<>();
            @Option(names = "--change-types", description = "e.g. created,updated,deleted (default: the server's).")
            String changeTypes;
            @Option(names = "--notification-url", paramLabel = "U",
                    description = "EventHub:…, EventGrid:…, https, or 'ingress' (the webhook ingress's routes).")
            String notificationUrl;
            @Option(names = "--lifecycle-url", paramLabel = "U", description = "Default: the notification URL.")
            String lifecycleUrl;
            @Option(names = "--ingress-url", paramLabel = "URL", description = "Public https URL of the webhook "
                    + "ingress, for --notification-url ingress: pins the routes to it (default: the control plane "
                    + "resolves them with its BEACON_INGRESS_PUBLIC_URL, and follows when it changes).")
            String ingressUrl;
            @Option(names = "--no-resource-data", description = "Subscribe without resource data (no encryption).")
            boolean noResourceData;
            @Option(names = "--lifetime-minutes", paramLabel = "N", description = "45..4320 (default: the server's).")
            Integer lifetimeMinutes;
            @Option(names = "--emergency-policy", paramLabel = "NAME", description = "Teams emergency calling "
                    + "policy to receive Graph emergency call events for; repeat for several (client-credentials "
                    + "only: CallEvents-Emergency.Read.All is an application permission).")
            List<String> emergencyPolicies = new ArrayList<>();
            @Option(names = "--backfill-user", paramLabel = "USER", description = "Object id or UPN of a user "
                    + "whose chats the backfill lists for a tenant-wide /chats/getAllMessages subscription (Graph "
                    + "lists getAllMessages per user): the security desk; repeat for several (client-credentials "
                    + "only).")
            List<String> backfillUsers = new ArrayList<>();

            @Override
            public Integer call() {
                String kind = null;
                String credential = null;
                String password = null;
                Optional<String> envSecret = ControlPlaneSettings.secret(root.env, "BEACON_CLIENT_SECRET");
                if (certificateFile != null) {
                    if (clientSecretFile != null) {
                        throw new IllegalArgumentException("give a client secret or a certificate, not both");
                    }
                    kind = "certificate";
                    try {
                        credential = Base64.getEncoder().encodeToString(Files.readAllBytes(certificateFile));
                    } catch (IOException e) {
                        throw new IllegalArgumentException("--certificate-file: cannot read " + certificateFile);
                    }
                    password = certificatePasswordFile != null
                            ? readSecretFile(certificatePasswordFile, "--certificate-password-file")
                            : ControlPlaneSettings.secret(root.env, "BEACON_CERTIFICATE_PASSWORD").orElse(null);
                } else if (clientSecretFile != null) {
                    kind = "secret";
                    credential = readSecretFile(clientSecretFile, "--client-secret-file");
                } else if (envSecret.isPresent() && !"device-code".equals(authMode)) {
                    kind = "secret";
                    credential = envSecret.get();
                }
                if (dev.beacon.control.ingress.IngressRoutes.SHORTHAND.equalsIgnoreCase(notificationUrl)
                        && ingressUrl != null) {
                    // Pinned to this URL now. Without --ingress-url the shorthand goes to the server, whose
                    // reconciler resolves it with its BEACON_INGRESS_PUBLIC_URL at every pass.
                    URI base = dev.beacon.control.ingress.IngressRoutes.checkedPublicUrl(ingressUrl);
                    notificationUrl = dev.beacon.control.ingress.IngressRoutes.notificationUrl(base, id);
                    if (lifecycleUrl == null) {
                        lifecycleUrl = dev.beacon.control.ingress.IngressRoutes.lifecycleUrl(base, id);
                    }
                }
                List<DesiredSubscriptionView> desired = new ArrayList<>();
                Boolean resourceData = noResourceData ? Boolean.FALSE : null;
                if (resources.isEmpty() && notificationUrl != null) {
                    // No resource: the server's default resource, delivered where asked.
                    desired.add(new DesiredSubscriptionView(null, changeTypes, notificationUrl, lifecycleUrl,
                            resourceData, lifetimeMinutes));
                }
                for (String r : resources) {
                    desired.add(new DesiredSubscriptionView(r, changeTypes, notificationUrl, lifecycleUrl,
                            resourceData, lifetimeMinutes));
                }
                IntegrationView v = api().post("/api/integrations", new NewIntegration(id, name, tenant, clientId,
                        authMode, kind, credential, password, desired, emergencyPolicies, backfillUsers),
                        new TypeReference<>() { });
                out().println("Added integration " + v.id() + " (" + v.authMode() + ", status " + v.status() + ").");
                uncoveredHint(out(), v);
                out().println(switch (v.authMode()) {
                    case "device-code" -> "Next: beaconctl login " + v.id()
                            + "   (shows a code to enter at Microsoft's sign-in page)";
                    case "auth-code" -> "Next: beaconctl login " + v.id()
                            + "   (prints a one-time link to open in a browser; Entra must list "
                            + v.id() + "'s callback /api/org/" + v.id() + "/ms-teams/callback as a redirect URI)";
                    default -> "Next: beaconctl status   (app-only: no sign-in; the leader gets tokens with the "
                            + "client credential and creates the subscriptions)";
                });
                return 0;
            }
        }

        @Command(name = "set-policies", description = "Set the emergency calling policies an app-only integration "
                + "receives Graph emergency call events for (none given: remove them all).")
        static final class SetPolicies extends Sub implements Callable<Integer> {
            @Parameters(index = "0", paramLabel = "INTEGRATION")
            String integration;
            @Parameters(index = "1..*", paramLabel = "POLICY", arity = "0..*")
            List<String> policies = new ArrayList<>();

            @Override
            public Integer call() {
                IntegrationView v = api().put("/api/integrations/" + seg(integration) + "/emergency-policies",
                        new dev.beacon.control.ops.EmergencyPoliciesRequest(policies), new TypeReference<>() { });
                out().println(v.emergencyPolicies().isEmpty()
                        ? "Integration " + v.id() + " has no emergency policies."
                        : "Integration " + v.id() + " emergency policies: " + String.join(", ",
                                v.emergencyPolicies()) + " (subscribed at the next reconcile).");
                return 0;
            }
        }

        @Command(name = "set-backfill-users", description = "Set the users (object ids or UPNs: the security "
                + "desk) whose chats the backfill lists for an app-only integration's tenant-wide "
                + "/chats/getAllMessages subscription (none given: remove them all).")
        static final class SetBackfillUsers extends Sub implements Callable<Integer> {
            @Parameters(index = "0", paramLabel = "INTEGRATION")
            String integration;
            @Parameters(index = "1..*", paramLabel = "USER", arity = "0..*")
            List<String> users = new ArrayList<>();

            @Override
            public Integer call() {
                IntegrationView v = api().put("/api/integrations/" + seg(integration) + "/backfill-users",
                        new dev.beacon.control.ops.BackfillUsersRequest(users), new TypeReference<>() { });
                out().println(v.backfillUsers().isEmpty()
                        ? "Integration " + v.id() + " has no backfill users."
                        : "Integration " + v.id() + " backfill users: " + String.join(", ", v.backfillUsers())
                                + " (listed from the next backfill run).");
                uncoveredHint(out(), v);
                return 0;
            }
        }

        /** A tenant-wide subscription whose losses nothing recovers: say so where ops just acted. */
        static void uncoveredHint(PrintWriter out, IntegrationView v) {
            if (v.flags().contains(dev.beacon.control.backfill.TenantWideCoverage.FLAG)) {
                out.println("Warning: " + v.id() + " subscribes to the tenant-wide /chats/getAllMessages, "
                        + "which Graph cannot list; notifications Graph loses are not recovered until it has "
                        + "backfill users: beaconctl integrations set-backfill-users " + v.id() + " <user>...");
            }
        }

        @Command(name = "list", description = "List integrations.")
        static final class ListCmd extends Sub implements Callable<Integer> {
            @Override
            public Integer call() {
                List<IntegrationView> list = api().get("/api/integrations", new TypeReference<>() { });
                TextTable t = new TextTable("INTEGRATION", "NAME", "TENANT", "CLIENT", "AUTH", "STATUS", "FLAGS",
                        "BACKFILL USERS", "LEADER");
                list.forEach(i -> t.row(i.id(), i.displayName(), i.tenantId(), i.clientId(), i.authMode(),
                        i.status(), i.flags().isEmpty() ? "-" : String.join(",", i.flags()),
                        i.backfillUsers().isEmpty() ? "-" : String.join(",", i.backfillUsers()), i.leader()));
                out().print(t.isEmpty() ? "No integrations.\n" : t.render());
                return 0;
            }
        }

        @Command(name = "remove", description = "Delete an integration's subscriptions, then the integration.")
        static final class Remove extends Sub implements Callable<Integer> {
            @Parameters(paramLabel = "INTEGRATION")
            String integration;

            @Override
            public Integer call() {
                api().delete("/api/integrations/" + seg(integration));
                out().println("Removed integration " + integration + ".");
                return 0;
            }
        }
    }

    @Command(name = "subscriptions", description = "List, renew and delete Graph subscriptions.",
            subcommands = {Subscriptions.ListCmd.class, Subscriptions.Renew.class, Subscriptions.Delete.class})
    static final class Subscriptions extends Sub implements Callable<Integer> {
        @Override
        public Integer call() {
            spec.commandLine().usage(out());
            return 2;
        }

        @Command(name = "list", description = "List subscriptions.")
        static final class ListCmd extends Sub implements Callable<Integer> {
            @Option(names = "--integration", description = "Only this integration's.")
            String integration;

            @Override
            public Integer call() {
                List<SubscriptionView> subs = api().get("/api/subscriptions"
                        + (integration == null ? "" : "?integration=" + ApiClient.query(integration)), new TypeReference<>() { });
                TextTable t = subscriptionTable(subs, now());
                out().print(t.isEmpty() ? "No subscriptions.\n" : t.render());
                return 0;
            }
        }

        @Command(name = "renew", description = "Renew a subscription now.")
        static final class Renew extends Sub implements Callable<Integer> {
            @Parameters(paramLabel = "SUBSCRIPTION")
            String subscription;

            @Override
            public Integer call() {
                SubscriptionView s = api().post("/api/subscriptions/" + seg(subscription) + "/renew", null,
                        new TypeReference<>() { });
                out().println("Renewed " + s.subscriptionId() + ": " + expiry(s.expiresAt(), now())
                        + " (" + s.renewalCount() + " renewals).");
                return 0;
            }
        }

        @Command(name = "delete", description = "Delete a subscription (recreated if still desired).")
        static final class Delete extends Sub implements Callable<Integer> {
            @Parameters(paramLabel = "SUBSCRIPTION")
            String subscription;

            @Override
            public Integer call() {
                api().delete("/api/subscriptions/" + seg(subscription));
                out().println("Deleted subscription " + subscription + ".");
                return 0;
            }
        }
    }

    @Command(name = "certs", description = "Encryption certificates.", subcommands = Certs.Rotate.class)
    static final class Certs extends Sub implements Callable<Integer> {
        @Override
        public Integer call() {
            spec.commandLine().usage(out());
            return 2;
        }

        @Command(name = "rotate", description = "New certificate; subscriptions move to it; keys re-exported.")
        static final class Rotate extends Sub implements Callable<Integer> {
            @Parameters(paramLabel = "INTEGRATION")
            String integration;

            @Override
            public Integer call() {
                List<CertificateView> certs = api().post("/api/integrations/" + seg(integration)
                        + "/certificates/rotate", null, new TypeReference<>() { });
                var now = now();
                TextTable t = new TextTable("CERTIFICATE", "NOT AFTER", "CREATED", "RETIRED", "SUBSCRIPTIONS");
                certs.forEach(c -> t.row(c.certificateId(), TextTable.relative(c.notAfter(), now),
                        TextTable.relative(c.createdAt(), now), TextTable.relative(c.retiredAt(), now),
                        c.subscriptions()));
                out().print(t.render());
                return 0;
            }
        }
    }

    @Command(name = "backfill", description = {"List and publish an integration's recent messages now "
            + "(the leader runs it at its next round).", "Messages found only this way are counted by the job "
            + "as recovered."})
    static final class Backfill extends Sub implements Callable<Integer> {
        @Parameters(paramLabel = "INTEGRATION")
        String integration;

        @Override
        public Integer call() {
            BackfillView v = api().post("/api/integrations/" + seg(integration) + "/backfill", null,
                    new TypeReference<>() { });
            var now = now();
            out().println("Backfill of " + v.integrationId() + " requested; its leader runs it at its next round.");
            out().print(backfillTable(List.of(v), now).render());
            return 0;
        }
    }

    static TextTable hydrationTable(HydrationView h, java.time.Instant now) {
        TextTable t = new TextTable("RUNNING", "PARTITIONS", "IN FLIGHT", "DONE", "PUBLISHED", "DELETED",
                "DEAD LETTERS", "RETRIES", "LAG", "WAITING", "LAST FAILURE");
        t.row(h.running() ? "yes" : "NO", h.partitions().isEmpty() ? "-" : h.partitions().stream()
                        .map(String::valueOf).collect(java.util.stream.Collectors.joining(",")),
                h.inFlight() + "/" + h.concurrency(), h.done(), h.published(), h.deleted(), h.deadLettered(),
                h.retries(), h.lag(), h.waiting(), h.lastFailure() == null ? "-"
                        : h.lastFailure() + " (" + TextTable.relative(h.lastFailureAt(), now) + ")");
        return t;
    }

    static TextTable backfillTable(List<BackfillView> views, java.time.Instant now) {
        TextTable t = new TextTable("INTEGRATION", "LAST RUN", "OUTCOME", "LISTED THROUGH", "PUBLISHED",
                "GAPS WAITING", "NEXT ATTEMPT");
        for (BackfillView b : views) {
            t.row(b.integrationId(), TextTable.relative(b.lastRunAt(), now), b.lastOutcome(),
                    TextTable.relative(b.listedThrough(), now), b.messagesPublished(), b.gapsAwaiting(),
                    b.requestedAt() != null ? "requested" : TextTable.relative(b.nextAttemptAt(), now));
        }
        return t;
    }

    @Command(name = "db", description = "Database tasks (no server needed).", subcommands = Db.Migrate.class)
    static final class Db extends Sub implements Callable<Integer> {
        @Override
        public Integer call() {
            spec.commandLine().usage(out());
            return 2;
        }

        @Command(name = "migrate", description = "Apply the schema migrations (BEACON_JDBC_* settings).")
        static final class Migrate extends Sub implements Callable<Integer> {
            @Override
            public Integer call() {
                ControlPlaneSettings s = ControlPlaneSettings.fromEnv(root.env);
                if (s.jdbcUrl() == null || s.jdbcUser() == null || s.jdbcPassword() == null) {
                    throw new IllegalArgumentException("set BEACON_JDBC_URL, BEACON_JDBC_USER and "
                            + "BEACON_JDBC_PASSWORD (or BEACON_JDBC_PASSWORD_FILE)");
                }
                int applied = Database.migrate(s.jdbcUrl(), s.jdbcUser(), s.jdbcPassword());
                out().println("Applied " + applied + " migration(s).");
                return 0;
            }
        }
    }

    @Command(name = "serve", description = "Run the control plane service (settings from the environment).")
    static final class Serve extends Sub implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            ControlPlaneSettings s = ControlPlaneSettings.fromEnv(root.env).validateForService();
            s.logWarnings();
            ServiceLauncher launcher = launcherOverride != null ? launcherOverride
                    : ServiceLoader.load(ServiceLauncher.class).findFirst().orElseThrow(() ->
                            new IllegalStateException("no ServiceLauncher on the classpath"));
            launcher.run(s);
            return 0;
        }
    }

    @Command(name = "ingress", mixinStandardHelpOptions = true,
            description = "Run the webhook ingress: receive Graph and Event Grid deliveries and "
            + "forward them to Kafka (BEACON_INGRESS_* settings; holds no vault key and no Graph token).")
    static final class Ingress extends Sub implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            var s = dev.beacon.control.ingress.IngressSettings.fromEnv(root.env);
            out().println(s.describe());
            out().flush();
            dev.beacon.control.ingress.IngressService.runUntilStopped(s);
            return 0;
        }
    }
}
