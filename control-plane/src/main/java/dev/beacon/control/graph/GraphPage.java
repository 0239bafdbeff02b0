package dev.beacon.control.graph;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One page of a Graph collection ({@code value}), items exactly as Graph sent them.
 *
 * @param nextPath  the {@code @odata.nextLink} as a path relative to the Graph version root (for
 *                  {@link GraphClient#getPage}), or null on the last page
 * @param deltaPath on the last page of a delta query: its {@code @odata.deltaLink}, relative like {@code nextPath}
 *                  (where the next round starts); null otherwise
 */
public record GraphPage(List<JsonNode> items, String nextPath, String deltaPath) {

    public GraphPage(List<JsonNode> items, String nextPath) {
        this(items, nextPath, null);
    }

    public boolean last() {
        return nextPath == null;
    }
}
