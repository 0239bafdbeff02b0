package dev.beacon.control.graph;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One page of a Graph collection ({@code value}), items exactly as Graph sent them.
 *
 * @param nextPath the {@code @odata.nextLink} as a path relative to the Graph version root (for
 *                 {@link GraphClient#getPage}), or null on the last page
 */
public record GraphPage(List<JsonNode> items, String nextPath) {

    public boolean last() {
        return nextPath == null;
    }
}
