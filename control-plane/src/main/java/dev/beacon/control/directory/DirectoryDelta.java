package dev.beacon.control.directory;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.control.backfill.LeaseGuard;
import dev.beacon.control.backfill.RequestPacer;
import dev.beacon.control.graph.GraphClient;
import dev.beacon.control.graph.GraphException;
import dev.beacon.control.graph.GraphPage;
import dev.beacon.control.integration.Integration;
import dev.beacon.control.kafka.AckedSends;
import dev.beacon.control.signin.SignInRequiredException;
import java.util.ArrayList;
import java.util.List;

/**
 * One round of Graph's user delta query for an integration: from its delta link (or, for a full sync,
 * {@code GET /users/delta?$select=…}) along {@code @odata.nextLink} to the {@code @odata.deltaLink} that starts
 * the next round. Each page's changes go to the {@link PageSink} before the next page is read, so a large directory
 * never sits in memory. Every request waits for the tenant's {@link RequestPacer} slot; retries and short
 * Retry-After waits are the {@link GraphClient}'s, longer ones end the round with the {@link GraphException}.
 */
public final class DirectoryDelta {

    static final String FULL_SYNC = "/users/delta" + GraphClient.query("$select", DirectoryEntries.SELECT);
    private static final int MAX_PAGES = 100_000; // a nextLink loop must end

    /** Takes one page's changes (publishes them, waiting for Kafka). */
    @FunctionalInterface
    public interface PageSink {
        void accept(List<DirectoryChange> changes) throws AckedSends.NotAcknowledged;
    }

    /** A finished round: where the next starts, and what it saw. */
    public record Round(String deltaPath, long changes, long skipped, int requests) {}

    private final GraphClient graph;
    private final RequestPacer pacer;

    public DirectoryDelta(GraphClient graph, RequestPacer pacer) {
        this.graph = graph;
        this.pacer = pacer;
    }

    /**
     * Reads the round starting at {@code deltaPath} (null: a full sync).
     *
     * @throws IllegalStateException when the last page carries no delta link (nothing may be recorded)
     */
    public Round read(Integration integration, String deltaPath, PageSink sink, LeaseGuard lease)
            throws GraphException, SignInRequiredException, InterruptedException, LeaseGuard.LeaseLostException,
            AckedSends.NotAcknowledged {
        String path = deltaPath != null ? deltaPath : FULL_SYNC;
        long changes = 0;
        long skipped = 0;
        for (int requests = 1; requests <= MAX_PAGES; requests++) {
            lease.check();
            pacer.acquire(integration.tenantId());
            GraphPage page = graph.getPage(integration.id(), path);
            List<DirectoryChange> out = new ArrayList<>(page.items().size());
            for (JsonNode item : page.items()) {
                DirectoryEntries.change(integration.tenantId(), item).ifPresent(out::add);
            }
            skipped += page.items().size() - out.size();
            if (!out.isEmpty()) {
                lease.check();
                sink.accept(out);
                changes += out.size();
            }
            if (page.nextPath() == null) {
                if (page.deltaPath() == null) {
                    throw new IllegalStateException("Graph GET /users/delta: the last page has no @odata.deltaLink");
                }
                return new Round(page.deltaPath(), changes, skipped, requests);
            }
            path = page.nextPath();
        }
        throw new IllegalStateException("Graph GET /users/delta: more than " + MAX_PAGES + " pages");
    }
}
