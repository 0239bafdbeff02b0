package dev.beacon.control.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.control.graph.GraphClient;
import dev.beacon.control.graph.GraphException;
import dev.beacon.control.graph.GraphPage;
import dev.beacon.control.integration.DesiredSubscription;
import dev.beacon.control.integration.Integration;
import dev.beacon.control.signin.SignInRequiredException;
import dev.beacon.control.signin.TokenSource;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lists the chat messages of an integration modified in a window, the cheapest way its permissions allow:
 * <ul>
 *   <li>app-only, for every user named in a desired {@code /users/{id}/chats/getAllMessages} resource:
 *       {@code GET /users/{id}/chats/getAllMessages?$filter=lastModifiedDateTime gt … and lastModifiedDateTime lt …}
 *       (metered, with the resource's {@code model}); a 403 (no {@code Chat.Read.All}) falls back to the per-chat
 *       listing of that user;</li>
 *   <li>app-only with the tenant-wide {@code /chats/getAllMessages} (which Graph cannot list): the same per-user list
 *       for each of the integration's {@link BackfillUsers} (the security desk) not already listed above, with the
 *       tenant-wide resource's {@code model}; without backfill users nothing is listed for it, and
 *       {@link TenantWideCoverage} counts and warns (never silently);</li>
 *   <li>delegated (getAllMessages GET is application-only in Graph): the signed-in account's chats
 *       ({@code GET /users/{oid}/chats}, paged) and, per chat, {@code GET /chats/{id}/messages?$top=50
 *       &$orderby=lastModifiedDateTime desc&$filter=lastModifiedDateTime gt …}, following nextLinks;</li>
 *   <li>both: chats named by desired {@code /chats/{id}/messages} resources.</li>
 * </ul>
 * Every request waits for the tenant's {@link RequestPacer} slot; retries and short Retry-After waits are the
 * {@link GraphClient}'s. The window is open at both ends ({@code from < lastModified < to}), like Graph's filter.
 *
 * <p>A listing is made of units (one user's getAllMessages, one chat's messages). When the run's {@link RunBudget} is
 * spent, the listing stops at the next page boundary once this run finished at least one unit (so every run makes
 * progress), and answers what it found with the finished units; the next run lists the same window again, without
 * those units.
 */
public final class MessageLister {

    static final int PAGE_SIZE = 50; // Graph's maximum $top for chat messages
    private static final int MAX_PAGES = 10_000; // a nextLink loop must end
    private static final Pattern ALL_MESSAGES_OF_USER =
            Pattern.compile("^/?users/([^/{}?]+)/chats/getAllMessages(?:\\?(.*))?$", Pattern.CASE_INSENSITIVE);
    private static final Pattern CHAT_MESSAGES = Pattern.compile("^/?chats/([^/?]+)/messages(?:\\?.*)?$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern MODEL = Pattern.compile("(?:^|&)model=([A-Za-z])");

    private final GraphClient graph;
    private final TokenSource tokens;
    private final RequestPacer pacer;
    private final Function<String, List<String>> backfillUsers;
    private final TenantWideCoverage coverage;

    /** Without backfill users (a tenant-wide resource is then uncovered). */
    public MessageLister(GraphClient graph, TokenSource tokens, RequestPacer pacer) {
        this(graph, tokens, pacer, integrationId -> List.of(), new TenantWideCoverage());
    }

    /** @param backfillUsers an integration's backfill users ({@link BackfillUsers#list}) */
    public MessageLister(GraphClient graph, TokenSource tokens, RequestPacer pacer,
                         Function<String, List<String>> backfillUsers, TenantWideCoverage coverage) {
        this.graph = graph;
        this.tokens = tokens;
        this.pacer = pacer;
        this.backfillUsers = backfillUsers;
        this.coverage = coverage;
    }

    public TenantWideCoverage coverage() {
        return coverage;
    }

    /** Lists {@code (from, to)}; throws when any request finally failed (the caller then publishes nothing). */
    public Listing list(Integration integration, List<DesiredSubscription> desired, Instant from, Instant to,
                        LeaseGuard lease)
            throws GraphException, SignInRequiredException, InterruptedException, LeaseGuard.LeaseLostException {
        return list(integration, desired, from, to, lease, RunBudget.UNBOUNDED, Set.of());
    }

    /**
     * Lists {@code (from, to)} but the units in {@code done}, until finished or {@code budget} is spent (then the
     * answer is not {@link Listing#complete}).
     */
    public Listing list(Integration integration, List<DesiredSubscription> desired, Instant from, Instant to,
                        LeaseGuard lease, RunBudget budget, Set<String> done)
            throws GraphException, SignInRequiredException, InterruptedException, LeaseGuard.LeaseLostException {
        Run run = new Run(integration, from, to, lease, budget, done);
        try {
            listUnits(integration, desired, run);
        } catch (BudgetSpent e) {
            return run.result(false);
        }
        return run.result(true);
    }

    private void listUnits(Integration integration, List<DesiredSubscription> desired, Run run)
            throws GraphException, SignInRequiredException, InterruptedException, LeaseGuard.LeaseLostException,
            BudgetSpent {
        Set<String> chats = new LinkedHashSet<>();
        for (DesiredSubscription d : desired) {
            Matcher chat = CHAT_MESSAGES.matcher(d.resource());
            if (chat.matches()) {
                chats.add(chat.group(1));
            }
        }
        if (integration.authMode().delegated()) {
            String me = tokens.graphToken(integration.id()).userObjectId();
            if (me != null && !me.isBlank()) {
                chats.addAll(run.chatsOf(me));
            }
        } else {
            Set<String> listedUsers = new HashSet<>();
            String tenantWideModel = null;
            boolean tenantWide = false;
            for (DesiredSubscription d : desired) {
                Matcher m = ALL_MESSAGES_OF_USER.matcher(d.resource());
                if (m.matches()) {
                    listedUsers.add(m.group(1).toLowerCase(Locale.ROOT));
                    allMessagesOrChats(run, m.group(1), model(m.group(2)), chats);
                } else if (TenantWideCoverage.tenantWide(d.resource())) {
                    tenantWide = true;
                    int q = d.resource().indexOf('?');
                    tenantWideModel = tenantWideModel != null ? tenantWideModel
                            : model(q < 0 ? null : d.resource().substring(q + 1));
                }
            }
            if (tenantWide) {
                List<String> users = backfillUsers.apply(integration.id());
                if (users.isEmpty()) {
                    coverage.uncoveredRun(integration.id());
                } else {
                    coverage.covered(integration.id());
                }
                for (int n = 0; n < users.size(); n++) {
                    String user = users.get(n);
                    if (!listedUsers.add(user.toLowerCase(Locale.ROOT))) {
                        continue; // a per-user resource listed it already
                    }
                    try {
                        allMessagesOrChats(run, user, tenantWideModel, chats);
                    } catch (GraphException e) {
                        if (!e.notFound()) {
                            throw e;
                        }
                        // A mistyped or deleted user must not stop the backfill of the others.
                        coverage.unknownUser(integration.id(), n + 1, users.size());
                    }
                }
            }
        }
        for (String chat : chats) {
            String unit = "chat:" + chat;
            if (!run.done.contains(unit)) {
                run.chatMessages(chat);
                run.finished(unit);
            }
        }
    }

    /** The run's time budget is spent: stop at this page boundary. */
    private static final class BudgetSpent extends Exception {
        BudgetSpent() {
            super(null, null, false, false);
        }
    }

    /**
     * A user's getAllMessages, unless an earlier run of this window finished it; without Chat.Read.All (403) the
     * user's chats, to be listed one by one.
     */
    private static void allMessagesOrChats(Run run, String user, String model, Set<String> chats)
            throws GraphException, SignInRequiredException, InterruptedException, LeaseGuard.LeaseLostException,
            BudgetSpent {
        String unit = "all:" + user;
        if (run.done.contains(unit)) {
            return;
        }
        if (run.allMessagesOf(user, model)) {
            run.finished(unit);
        } else {
            chats.addAll(run.chatsOf(user));
        }
    }

    /** The {@code model} of a resource's query, or null. */
    private static String model(String query) {
        Matcher model = MODEL.matcher(query == null ? "" : query);
        return model.find() ? model.group(1) : null;
    }

    /** The state of one listing: messages by chat/id (a message listed twice counts once). */
    private final class Run {
        final Integration integration;
        final Instant from;
        final Instant to;
        final LeaseGuard lease;
        final RunBudget budget;
        final Set<String> done; // units finished by earlier runs of this window
        final Set<String> finishedNow = new LinkedHashSet<>();
        final Map<String, ListedMessage> found = new LinkedHashMap<>();
        int skipped;
        int requests;
        final List<String> missingChats = new ArrayList<>();

        Run(Integration integration, Instant from, Instant to, LeaseGuard lease, RunBudget budget, Set<String> done) {
            this.integration = integration;
            this.from = from;
            this.to = to;
            this.lease = lease;
            this.budget = budget;
            this.done = done;
        }

        void finished(String unit) {
            finishedNow.add(unit);
        }

        /** getAllMessages of one user; false when Graph refuses it (403: the app lacks Chat.Read.All). */
        boolean allMessagesOf(String user, String model) throws GraphException, SignInRequiredException,
                InterruptedException, LeaseGuard.LeaseLostException, BudgetSpent {
            String filter = "lastModifiedDateTime gt " + from + " and lastModifiedDateTime lt " + to;
            String path = "/users/" + user + "/chats/getAllMessages" + (model == null
                    ? GraphClient.query("$top", String.valueOf(PAGE_SIZE), "$filter", filter)
                    : GraphClient.query("$top", String.valueOf(PAGE_SIZE), "$filter", filter, "model", model));
            for (int page = 0; path != null && page < MAX_PAGES; page++) {
                GraphPage p;
                try {
                    p = get(path);
                } catch (GraphException e) {
                    if (e.forbidden() && page == 0) {
                        return false;
                    }
                    throw e;
                }
                p.items().forEach(item -> take(item, null));
                path = p.nextPath();
            }
            return true;
        }

        /** The chats a user is a member of (every page). */
        List<String> chatsOf(String user) throws GraphException, SignInRequiredException, InterruptedException,
                LeaseGuard.LeaseLostException, BudgetSpent {
            List<String> ids = new ArrayList<>();
            String path = "/users/" + user + "/chats" + GraphClient.query("$top", String.valueOf(PAGE_SIZE));
            for (int page = 0; path != null && page < MAX_PAGES; page++) {
                GraphPage p = get(path);
                for (JsonNode chat : p.items()) {
                    String id = chat.path("id").asText(null);
                    if (id != null) {
                        ids.add(id);
                    }
                }
                path = p.nextPath();
            }
            return ids;
        }

        /** One chat's messages modified after {@code from}, newest first, until the pages reach {@code from}. */
        void chatMessages(String chatId) throws GraphException, SignInRequiredException, InterruptedException,
                LeaseGuard.LeaseLostException, BudgetSpent {
            String path = "/chats/" + chatId + "/messages" + GraphClient.query("$top", String.valueOf(PAGE_SIZE),
                    "$orderby", "lastModifiedDateTime desc", "$filter", "lastModifiedDateTime gt " + from);
            for (int page = 0; path != null && page < MAX_PAGES; page++) {
                GraphPage p;
                try {
                    p = get(path);
                } catch (GraphException e) {
                    if (e.notFound() && page == 0) {
                        // The chat is gone (deleted, or the account left it): nothing of it to list. Failing the
                        // run instead would stop the backfill of every other chat until ops remove the resource.
                        missingChats.add(chatId);
                        return;
                    }
                    throw e;
                }
                boolean reachedFrom = false;
                for (JsonNode item : p.items()) {
                    Instant modified = modified(item);
                    reachedFrom |= modified != null && !modified.isAfter(from);
                    take(item, chatId);
                }
                path = reachedFrom ? null : p.nextPath();
            }
        }

        GraphPage get(String path) throws GraphException, SignInRequiredException, InterruptedException,
                LeaseGuard.LeaseLostException, BudgetSpent {
            lease.check();
            if (!finishedNow.isEmpty() && budget.spent()) {
                throw new BudgetSpent(); // at a page boundary, with progress made: the rest is the next run's
            }
            pacer.acquire(integration.tenantId());
            requests++;
            return graph.getPage(integration.id(), path);
        }

        void take(JsonNode item, String chatId) {
            Instant modified = modified(item);
            if (modified == null || !modified.isAfter(from) || !modified.isBefore(to)) {
                return; // outside the window (Graph filtered already; the per-chat listing has no upper bound)
            }
            String id = item.path("id").asText(null);
            String chat = item.hasNonNull("chatId") ? item.get("chatId").asText() : chatId;
            if (id == null || chat == null) {
                skipped++;
                return;
            }
            if (!"message".equals(item.path("messageType").asText("message"))) {
                skipped++; // system events (members added, call ended, …): not what detection reads
                return;
            }
            found.merge(chat + "/" + id, new ListedMessage(chat, id, modified, item),
                    (a, b) -> b.lastModified().isAfter(a.lastModified()) ? b : a);
        }

        Listing result(boolean complete) {
            List<ListedMessage> messages = new ArrayList<>(found.values());
            messages.sort(Comparator.comparing(ListedMessage::lastModified)
                    .thenComparing(ListedMessage::chatId).thenComparing(ListedMessage::messageId));
            Set<String> units = new LinkedHashSet<>(done);
            units.addAll(finishedNow);
            return new Listing(List.copyOf(messages), skipped, requests, List.copyOf(missingChats), complete,
                    Set.copyOf(units));
        }
    }

    /** {@code lastModifiedDateTime}, else {@code createdDateTime}; null when neither parses. */
    static Instant modified(JsonNode item) {
        for (String field : List.of("lastModifiedDateTime", "createdDateTime")) {
            String v = item.path(field).asText(null);
            if (v != null) {
                try {
                    return OffsetDateTime.parse(v).toInstant();
                } catch (DateTimeParseException e) {
                    // try the next field
                }
            }
        }
        return null;
    }
}
